#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include <boost/json/object.hpp>

#include "queue/queue.h"

// The queue dashboard's live feed: every interval, the stats of every queue as one JSON object,
// handed to a publish callback (the app sends it to the realtime hub). Owns one thread; borrows
// the Queue, which must outlive it.
namespace kirim::queue {

inline constexpr std::chrono::milliseconds kFeedInterval{1'000};

class Feed {
 public:
  using Publish = std::function<void(const boost::json::object& data)>;
  Feed(Queue& queue, Publish publish, std::chrono::milliseconds interval = kFeedInterval);
  ~Feed();
  Feed(const Feed&) = delete;
  Feed& operator=(const Feed&) = delete;
  void start();
  void stop();

 private:
  Queue& queue_;
  Publish publish_;
  std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

// A queue's numbers as the API and the feed show them.
[[nodiscard]] boost::json::object stats_json(const QueueStats& s);

}  // namespace kirim::queue
