#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "contacts/types.h"
#include "core/clock.h"
#include "core/result.h"
#include "db/database.h"

// Contacts, their tags, custom fields and consent, scoped by workspace. Every method blocks on the
// database (call it from a blocking pool), is thread-safe, and validates everything before its
// first write, so a refused request changes nothing. Borrows the Database and Clock, which must
// outlive it.
namespace kirim::contacts {

// Limits, in one place.
inline constexpr std::size_t kMaxNameLength = 200;
inline constexpr std::size_t kMaxTagLength = 64;
inline constexpr std::size_t kMaxTagsPerContact = 100;
inline constexpr std::size_t kMaxFields = 200;  // custom fields per workspace
inline constexpr std::size_t kMaxChoices = 100;
inline constexpr int kMaxPageSize = 500;
inline constexpr std::size_t kMaxBulkIds = 10'000;
inline constexpr std::size_t kMaxKeywords = 20;  // opt-out / opt-in keywords per workspace
inline constexpr std::size_t kMaxKeywordLength = 32;

// Where a change came from, recorded with consent changes.
inline constexpr const char* kSourceApi = "api";

struct WorkspaceSettings {
  std::string default_region;  // ISO alpha-2 or empty
  std::vector<std::string> opt_out_keywords, opt_in_keywords;
};

enum class BulkAction { tag, untag, remove, opt_in, opt_out };

class Contacts {
 public:
  Contacts(db::Database& db, const Clock& clock) : db_(db), clock_(clock) {}
  Contacts(const Contacts&) = delete;
  Contacts& operator=(const Contacts&) = delete;

  [[nodiscard]] Result<WorkspaceSettings> settings(std::int64_t ws);
  // Absent members stay. invalid_argument for an unknown region or bad keywords.
  [[nodiscard]] Result<void> update_settings(
      std::int64_t ws, const std::optional<std::string>& default_region,
      const std::optional<std::vector<std::string>>& opt_out_keywords,
      const std::optional<std::vector<std::string>>& opt_in_keywords);

  [[nodiscard]] Result<ContactPage> list(std::int64_t ws, const ListQuery& q);
  // The ids matching a filter, in id order, at most `limit` (for bulk actions and exports).
  [[nodiscard]] Result<std::vector<std::int64_t>> ids(std::int64_t ws, const Filter& f,
                                                      std::int64_t after, int limit);
  [[nodiscard]] Result<std::int64_t> count(std::int64_t ws, const Filter& f);
  [[nodiscard]] Result<Contact> get(std::int64_t ws, std::int64_t id);
  // Several contacts with their tags and fields, in the order of `ids` (missing ones skipped).
  [[nodiscard]] Result<std::vector<Contact>> get_many(std::int64_t ws,
                                                      const std::vector<std::int64_t>& ids);
  [[nodiscard]] Result<std::optional<Contact>> find_by_phone(std::int64_t ws,
                                                             std::string_view phone_input);

  // conflict with details["id"] when the number exists; invalid_argument with per-field
  // details for bad input.
  [[nodiscard]] Result<Contact> create(std::int64_t ws, const ContactInput& in,
                                       std::string_view source = kSourceApi);
  [[nodiscard]] Result<Contact> update(std::int64_t ws, std::int64_t id, const ContactInput& in,
                                       std::string_view source = kSourceApi);
  [[nodiscard]] Result<void> remove(std::int64_t ws, std::int64_t id);
  // Applies an action to the contacts a filter selects (or its ids); returns how many changed.
  [[nodiscard]] Result<std::int64_t> bulk(std::int64_t ws, BulkAction action,
                                          const std::vector<std::string>& tags, const Filter& f,
                                          std::string_view source = kSourceApi);
  [[nodiscard]] Result<std::vector<ConsentEvent>> consent_history(std::int64_t ws, std::int64_t id);
  // Sets consent when it differs; records the event. Returns whether it changed.
  [[nodiscard]] Result<bool> set_consent(std::int64_t ws, std::int64_t id, Consent state,
                                         std::string_view source);

  [[nodiscard]] Result<std::vector<Field>> fields(std::int64_t ws);
  [[nodiscard]] Result<Field> create_field(std::int64_t ws, std::string key, std::string label,
                                           FieldType type, std::vector<std::string> choices);
  [[nodiscard]] Result<Field> update_field(std::int64_t ws, std::int64_t id,
                                           const std::optional<std::string>& label,
                                           const std::optional<std::vector<std::string>>& choices);
  [[nodiscard]] Result<void> delete_field(std::int64_t ws, std::int64_t id);

  [[nodiscard]] Result<std::vector<Tag>> tags(std::int64_t ws);
  [[nodiscard]] Result<Tag> create_tag(std::int64_t ws, const std::string& name);
  [[nodiscard]] Result<Tag> rename_tag(std::int64_t ws, std::int64_t id, const std::string& name);
  [[nodiscard]] Result<void> delete_tag(std::int64_t ws, std::int64_t id);

  // The conversation with a contact, newest first, before message id `before` (0: from the end).
  struct MessagePage {
    std::vector<Message> items;
    std::optional<std::int64_t> next_before;
  };
  [[nodiscard]] Result<MessagePage> messages(std::int64_t ws, std::int64_t contact_id,
                                             std::int64_t before, int limit);

 private:
  Result<Contact> load(db::Connection* c, std::int64_t ws, std::int64_t id);

  db::Database& db_;
  const Clock& clock_;
};

// Checks a tag name (1 to 64 characters: letters, digits, space, - _ . :) and trims it.
[[nodiscard]] Result<std::string> normalize_tag(std::string_view name);

// Helpers the import shares with the service, usable inside a unit of work.
namespace detail {
// Tag ids by name, creating the missing tags.
[[nodiscard]] Result<std::vector<std::int64_t>> ensure_tags(db::Connection& c, std::int64_t ws,
                                                            const std::vector<std::string>& names,
                                                            std::int64_t now);
[[nodiscard]] Result<std::vector<Field>> load_fields(db::Connection* c, db::Database& db,
                                                     std::int64_t ws);
[[nodiscard]] Result<WorkspaceSettings> load_settings(db::Database& db, std::int64_t ws);
// Sets a contact's consent and records the event, inside the caller's unit of work.
[[nodiscard]] Result<void> record_consent(db::Connection& c, std::int64_t ws, std::int64_t id,
                                          Consent state, std::string_view source, std::int64_t now);
}  // namespace detail

}  // namespace kirim::contacts
