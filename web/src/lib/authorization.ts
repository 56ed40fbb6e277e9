import type { Role } from './auth';

// docs/api.md: managing users, API tokens, the workspace and contact fields needs owner or admin;
// only an owner may make or unmake an owner; contacts, tags, imports and exports need editor or
// more. The server enforces this; the UI mirrors it so that people are not offered actions that
// would be refused.

export function canManageWorkspace(role: Role): boolean {
  return role === 'owner' || role === 'admin';
}

/** Creating, changing, importing, exporting and deleting contacts, and managing tags. */
export function canEditContacts(role: Role): boolean {
  return role !== 'viewer';
}

/** Defining the workspace's custom contact fields. */
export function canManageContactFields(role: Role): boolean {
  return canManageWorkspace(role);
}

/** Connecting, changing and removing WhatsApp accounts, and reading the webhook log. */
export function canManageWhatsAppAccounts(role: Role): boolean {
  return canManageWorkspace(role);
}

/** Syncing, creating and deleting WhatsApp message templates. */
export function canManageTemplates(role: Role): boolean {
  return role !== 'viewer';
}

/** Creating, changing, launching and controlling campaigns, and the emergency stop. */
export function canEditCampaigns(role: Role): boolean {
  return role !== 'viewer';
}

/** The Operations page: queues, jobs, schedules and rate limits (the queue API's roles). */
export function canViewOperations(role: Role): boolean {
  return canManageWorkspace(role);
}

/** Roles that `actor` may hand out or take away. */
export function assignableRoles(actor: Role): Role[] {
  if (actor === 'owner') return ['owner', 'admin', 'editor', 'viewer'];
  if (actor === 'admin') return ['admin', 'editor', 'viewer'];
  return [];
}

export const roleLabels: Record<Role, string> = {
  owner: 'Owner',
  admin: 'Admin',
  editor: 'Editor',
  viewer: 'Viewer',
};

export const roleDescriptions: Record<Role, string> = {
  owner: 'Everything, including making other owners',
  admin: 'Manages users, API tokens and the workspace',
  editor: 'Works on contacts and campaigns',
  viewer: 'Sees everything, changes nothing',
};
