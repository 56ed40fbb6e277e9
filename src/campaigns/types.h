#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

// The campaigns module's values. Times are ms since the epoch; 0 means never.
namespace kirim::campaigns {

enum class State { draft, scheduled, running, paused, completed, stopped, failed };
[[nodiscard]] const char* state_name(State s);
[[nodiscard]] std::optional<State> parse_state(std::string_view s);
[[nodiscard]] inline bool active(State s) {
  return s == State::running || s == State::paused || s == State::scheduled;
}

// Recipient states and their rank: the rank only grows (accepted 2 < sent 3 < delivered 4 <
// read 5); final states rank 9 except a later delivery that proves a failure wrong.
enum class RecipientState {
  pending,   // planned, waiting its turn
  sending,   // the request is being made; after a crash its outcome is unknown
  accepted,  // Meta took it (200 with a wamid)
  sent,
  delivered,
  read,
  failed,
  unknown,    // the request may have reached Meta, its answer did not come: never resent
  skipped,    // not sendable when its turn came (opted out since, window closed...)
  cancelled,  // stopped or excluded before it was sent
};
[[nodiscard]] const char* recipient_state_name(RecipientState s);
[[nodiscard]] std::optional<RecipientState> parse_recipient_state(std::string_view s);
[[nodiscard]] int rank_of(RecipientState s);

struct Counters {
  std::int64_t planned = 0, queued = 0, sending = 0, sent = 0, delivered = 0, read = 0, replied = 0,
               clicked = 0, converted = 0, failed = 0, unknown = 0, skipped = 0, cancelled = 0;
};

// The campaign's definition, kept as the JSON the API takes (validated on write).
struct Campaign {
  std::int64_t id = 0, workspace_id = 0;
  std::string name;
  State state = State::draft;
  boost::json::object audience, message, schedule, goal, quiet_hours;
  std::vector<std::int64_t> senders;  // phone_numbers row ids
  int speed_mps = 20;
  std::int64_t planned = 0;
  std::optional<std::int64_t> created_by;
  std::string created_by_name;
  std::int64_t created_at = 0, updated_at = 0, scheduled_at = 0, started_at = 0, finished_at = 0;
  std::string error;
};

// What create and update bring; absent members stay.
struct CampaignInput {
  std::optional<std::string> name;
  std::optional<boost::json::object> audience, message, schedule, goal, quiet_hours;
  std::optional<std::vector<std::int64_t>> senders;
  std::optional<int> speed_mps;
  bool clear_goal = false, clear_quiet_hours = false;
};

struct Recipient {
  std::int64_t id = 0, contact_id = 0, sender_id = 0;
  std::string contact_name, contact_phone, sender_number;
  RecipientState state = RecipientState::pending;
  std::string wamid;
  std::int64_t error_code = 0;
  std::string error_title;
  std::int64_t queued_at = 0, sent_at = 0, delivered_at = 0, read_at = 0, failed_at = 0,
               replied_at = 0, clicked_at = 0, converted_at = 0, updated_at = 0;
};

struct Event {
  std::int64_t id = 0, at = 0;
  std::string kind, detail;
  std::optional<std::int64_t> actor_id;
  std::string actor_name;
};

struct SeriesPoint {
  std::int64_t at = 0;
  std::int64_t sent = 0, delivered = 0, read = 0, failed = 0, replied = 0, clicked = 0;
};

}  // namespace kirim::campaigns
