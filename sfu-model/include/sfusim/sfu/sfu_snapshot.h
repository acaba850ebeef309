// SfuSnapshot: the SFU's state as plain values (E2E_DESIGN.md), for invariant checkers and tests.
// Ordered containers throughout, ids as strings, so two snapshots compare and print the same way
// on every run. A snapshot is a copy: it never changes after it is taken.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "sfusim/protocol/rtp_parameters/media_kind.h"
#include "sfusim/protocol/rtp_parameters/router_capabilities.h"
#include "sfusim/protocol/signaling/media_types.h"

namespace sfusim::sfu {

struct SfuSnapshot {
  struct Producer {
    std::string id;
    std::string user_id;
    std::string channel;
    protocol::MediaKind kind = protocol::MediaKind::kAudio;
    protocol::MediaSource source = protocol::MediaSource::kMicrophone;
    uint32_t ssrc = 0;
    int worker = 0;
    bool native = false;  // from create_native_sender_session (plain transport)
    bool operator==(const Producer&) const = default;
  };
  struct Consumer {
    std::string id;
    std::string user_id;
    std::string producer_id;
    std::string channel;
    uint32_t ssrc = 0;
    bool paused = true;
    bool closed_producer = false;  // its producer is gone (only ever true under consumer_leak)
    bool operator==(const Consumer&) const = default;
  };
  struct Router {
    std::string channel;
    int worker = 0;
    uint64_t generation = 0;
    protocol::OpusSettings opus;
    bool alive = true;
    bool operator==(const Router&) const = default;
  };
  struct Worker {
    int index = 0;
    bool alive = true;
    bool operator==(const Worker&) const = default;
  };

  std::map<std::string, std::string> connection_channel;          // user_id -> channel
  std::map<std::string, std::set<std::string>> channel_members;   // channel -> user_ids
  std::map<std::string, std::string> usernames;                   // user_id -> username
  std::map<std::string, Producer> producers;                      // by id
  std::map<std::string, Consumer> consumers;                      // by id
  std::map<std::string, Router> routers;                          // by channel
  std::vector<Worker> workers;                                    // by index

  bool operator==(const SfuSnapshot&) const = default;
};

}  // namespace sfusim::sfu
