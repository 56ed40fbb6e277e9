#pragma once

#include <string>
#include <string_view>

#include "realtime/app.h"
#include "realtime/hub.h"

namespace kirim::realtime {

// How modules announce events to browsers without going through HTTP: publish(channel, event,
// JSON data). The local implementation hands them to this process's hub; a Redis implementation
// will fan them out to every node. Thread-safe; never blocks on the network.
class Bus {
 public:
  virtual ~Bus() = default;
  virtual void publish(const std::string& channel, std::string_view event,
                       std::string_view data_json) = 0;
};

// Publishes on Kirim's own app in this process's hub. Borrows both.
class LocalBus final : public Bus {
 public:
  LocalBus(Hub& hub, const App& app) : hub_(hub), app_(app) {}
  void publish(const std::string& channel, std::string_view event,
               std::string_view data_json) override {
    hub_.publish(app_, {channel}, event, data_json, {});
  }

 private:
  Hub& hub_;
  const App& app_;
};

}  // namespace kirim::realtime
