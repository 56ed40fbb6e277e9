#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include <boost/json/object.hpp>

#include "core/clock.h"
#include "core/metrics.h"
#include "core/result.h"
#include "http/router.h"
#include "whatsapp/sandbox/options.h"
#include "whatsapp/sandbox/webhooks.h"

// A local stand-in for Meta's WhatsApp Cloud API, for tests, demos and benchmarks: the Graph
// endpoints Kirim calls (send, media, templates, phone numbers) with Meta's shapes, latencies,
// limits and errors; status webhooks signed like Meta's; simulated customers; injected faults; an
// admin API. docs/sandbox.md is the manual.
namespace kirim::whatsapp::sandbox {

class Impl;

// Owns the sandbox's state and its scheduler thread. Time comes from the Clock and randomness
// from options.seed: the same seed and the same requests give the same wamids, delays, faults and
// webhooks. Thread-safe. The Clock must outlive it, and so must the Sandbox outlive the Router
// and server its routes are registered with. Answers still waiting when it stops are sent at
// once; webhooks still waiting are dropped.
class Sandbox {
 public:
  Sandbox(const Clock& clock, SandboxOptions options, WebhookPoster poster);
  ~Sandbox();
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  // The Graph endpoints under {prefix}/{version}/... and the admin API under
  // {prefix}/_sandbox/. prefix is "" when the sandbox runs alone, e.g. "/sandbox" when embedded.
  // Call once, before serving.
  void register_routes(http::Router& router, const std::string& prefix);
  // Counters and gauges on /metrics (kirim_sandbox_*).
  void register_metrics(metrics::Registry& registry);

  // Starts the scheduler thread (delayed answers, webhooks, customers). Tests do not start it
  // and call run_due() instead.
  void start();
  // Stops the thread, answers waiting requests at once, drops pending webhooks. Idempotent.
  void stop();
  // Runs what is due at the clock's current time and sends the webhooks it produced. Returns
  // how many scheduled tasks ran.
  std::size_t run_due();

  // The options in force (PUT config changes them).
  [[nodiscard]] SandboxOptions options() const;
  // What PUT config does: validates and applies runtime changes, returns the options in force.
  [[nodiscard]] Result<boost::json::object> configure(const boost::json::object& changes);

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace kirim::whatsapp::sandbox
