#include "queue/feed.h"

#include <boost/json/array.hpp>

namespace kirim::queue {
namespace {

double round2(double v) {
  return static_cast<double>(static_cast<std::int64_t>(v * 100 + 0.5)) / 100;
}

}  // namespace

boost::json::object stats_json(const QueueStats& s) {
  return {{"name", s.name},
          {"paused", s.paused},
          {"ready", s.ready},
          {"delayed", s.delayed},
          {"running", s.running},
          {"failed", s.failed},
          {"workers",
           {{"current", s.workers},
            {"busy", s.busy_workers},
            {"min", s.min_workers},
            {"max", s.max_workers}}},
          {"per_second",
           {{"enqueued", round2(s.enqueued_1s)},
            {"started", round2(s.started_1s)},
            {"succeeded", round2(s.succeeded_1s)},
            {"failed", round2(s.failed_1s)},
            {"retried", round2(s.retried_1s)},
            {"succeeded_60s", round2(s.succeeded_60s)},
            {"failed_60s", round2(s.failed_60s)}}},
          {"wait_ms",
           {{"p50", round2(s.wait_p50)}, {"p95", round2(s.wait_p95)}, {"p99", round2(s.wait_p99)}}},
          {"run_ms",
           {{"p50", round2(s.run_p50)}, {"p95", round2(s.run_p95)}, {"p99", round2(s.run_p99)}}},
          {"totals",
           {{"enqueued", s.enqueued_total},
            {"succeeded", s.succeeded_total},
            {"failed", s.failed_total},
            {"retried", s.retried_total}}}};
}

Feed::Feed(Queue& queue, Publish publish, std::chrono::milliseconds interval)
    : queue_(queue), publish_(std::move(publish)), interval_(interval) {}

Feed::~Feed() {
  stop();
}

void Feed::start() {
  thread_ = std::thread([this] {
    while (true) {
      {
        std::unique_lock lock(mu_);
        cv_.wait_for(lock, interval_, [&] { return stopping_; });
        if (stopping_) return;
      }
      auto stats = queue_.stats();
      if (!stats.ok()) continue;
      boost::json::array queues;
      for (const auto& s : *stats)
        queues.push_back(stats_json(s));
      publish_(boost::json::object{{"queues", std::move(queues)}});
    }
  });
}

void Feed::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace kirim::queue
