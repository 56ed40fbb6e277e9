import type { Role } from './auth';

// docs/api.md: managing users, API tokens and the workspace needs owner or admin; only an owner
// may make or unmake an owner. The server enforces this; the UI mirrors it so that people are
// not offered actions that would be refused.

export function canManageWorkspace(role: Role): boolean {
  return role === 'owner' || role === 'admin';
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
