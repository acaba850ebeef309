// SimHost: one machine of the simulated network, with a name, one IPv4 address and its own port
// tables. It is the Net (net.h) that the software running on it sees: net() returns it.
//
// Contract:
// - Created and owned by SimNetwork (AddHost); the pointer stays valid for the network's lifetime.
// - Ports: UDP and stream (TCP-like) ports are separate name spaces, as on a real host. Port 0
//   means "the next free ephemeral port", counted upwards from 49152 and wrapping at 65535, so the
//   choice depends only on the history of this host (deterministic). A restart starts the counters
//   again from 49152.
// - States: up, paused (frozen: receives nothing, its sends fail; see SimNetwork::Pause) and down
//   (crashed: every socket, listener and stream of the host is gone; their objects stay with
//   their owners but SendTo/Send return false and they never call back). epoch() counts crashes,
//   so anything addressed to an earlier incarnation is recognised and dropped.
// - Listener hooks (OnCrash, OnRestart, OnPause, OnResume) are called synchronously by the fault,
//   after the network side of it is done: the scenario runner rebuilds the host's software there.
// - Callbacks into the host's software (datagrams, accepts, stream messages, connect results) are
//   made from the event loop, never from inside a call the software made.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sfusim/sim/env.h"
#include "sfusim/sim/net.h"
#include "sfusim/sim/scheduler.h"
#include "sfusim/sim/trace.h"

namespace sfusim::sim {

class SimNetwork;
class SimDatagramSocket;

class SimHost final : public Net {
 public:
  static constexpr uint16_t kFirstEphemeralPort = 49152;
  static constexpr uint16_t kLastEphemeralPort = 65535;
  // Open datagram sockets per host (a bound on a runaway loop; the ephemeral range is 16384).
  static constexpr std::size_t kMaxDatagramSockets = 16384;

  enum class State : uint8_t { kUp, kPaused, kDown };

  class Listener {
   public:
    virtual ~Listener() = default;
    virtual void OnCrash(SimHost& /*host*/) {}
    virtual void OnRestart(SimHost& /*host*/) {}
    virtual void OnPause(SimHost& /*host*/) {}
    virtual void OnResume(SimHost& /*host*/) {}
  };

  struct Counters {
    uint64_t datagrams_sent = 0;      // accepted by SendTo (whatever happened to them later)
    uint64_t bytes_sent = 0;
    uint64_t datagrams_received = 0;  // handed to a socket's receiver
    uint64_t bytes_received = 0;
    uint64_t sends_refused = 0;       // SendTo/Send returned false (closed, down, paused, too big)
    uint64_t datagrams_held = 0;      // held while paused, delivered on resume
    uint64_t stream_messages_sent = 0;
    uint64_t stream_messages_received = 0;
    // Drops charged to this host: no_route (as sender), no_socket and host_down (as receiver).
    // Drops on a link (loss, queue, mtu, link down) are the link's counters.
    std::array<uint64_t, static_cast<std::size_t>(DropReason::kCount)> drops{};
    uint64_t dropped(DropReason r) const { return drops[static_cast<std::size_t>(r)]; }
  };

  ~SimHost() override;
  SimHost(const SimHost&) = delete;
  SimHost& operator=(const SimHost&) = delete;

  const std::string& name() const { return name_; }
  uint32_t ip() const { return ip_; }
  Net* net() { return this; }
  SimNetwork* network() const { return network_; }
  State state() const { return state_; }
  bool is_up() const { return state_ == State::kUp; }
  bool is_down() const { return state_ == State::kDown; }
  bool is_paused() const { return state_ == State::kPaused; }
  uint64_t epoch() const { return epoch_; }
  const Counters& counters() const { return counters_; }
  std::size_t open_datagram_sockets() const { return udp_.size(); }
  bool is_listening(uint16_t port) const { return listeners_.count(port) != 0; }

  // Listeners are called in the order they were added; they must outlive the host or be removed.
  void AddListener(Listener* listener);
  void RemoveListener(Listener* listener);

  // The Env for a component running on this host: the network's scheduler and trace, this Net,
  // and the RNG substream `rng_name` of the run's root seed.
  Env MakeEnv(std::string_view rng_name);

  // Net
  uint32_t host_ip() const override { return ip_; }
  std::unique_ptr<DatagramSocket> OpenDatagram(uint16_t port, DatagramSocket::Receiver* receiver,
                                               std::string* error = nullptr) override;
  bool Listen(uint16_t port, StreamAcceptor* acceptor, std::string* error = nullptr) override;
  void StopListening(uint16_t port) override;
  void Connect(const SocketAddress& to, ConnectCallback on_connected) override;

 private:
  friend class SimNetwork;
  friend class SimDatagramSocket;

  // Work owed to the host's software that arrived while it was paused (besides held datagrams and
  // stream messages, which wait in their own queues).
  struct Deferred {
    enum class Kind : uint8_t { kAccept, kConnectResult } kind;
    uint64_t id;  // connection id (accept) or connect attempt id
  };

  SimHost(SimNetwork* network, std::string name, uint32_t ip, uint32_t index, uint32_t trace_subject);
  // Next free port from `counter` in the ephemeral range, skipping those `in_use` says are taken;
  // 0 when the range is full.
  template <typename InUse>
  static uint16_t NextEphemeral(uint16_t& counter, const InUse& in_use);
  uint16_t AllocateStreamPort();
  void ResetPorts();
  std::string Describe() const;

  SimNetwork* network_;
  std::string name_;
  uint32_t ip_;
  uint32_t index_;          // creation order; keys the network's link table
  uint32_t trace_subject_;  // the host name, interned in the trace (0 when there is no trace)
  State state_ = State::kUp;
  uint64_t epoch_ = 0;
  Counters counters_;
  std::vector<Listener*> listeners_hooks_;

  std::map<uint16_t, SimDatagramSocket*> udp_;
  std::map<uint16_t, StreamAcceptor*> listeners_;
  std::set<uint16_t> stream_client_ports_;
  uint16_t next_udp_port_ = kFirstEphemeralPort;
  uint16_t next_stream_port_ = kFirstEphemeralPort;

  // Pause: datagrams held (pool slots) and the work deferred until Resume.
  std::deque<uint32_t> held_packets_;
  std::size_t held_bytes_ = 0;
  std::deque<Deferred> deferred_;
  EventId resume_event_;
  EventId drain_event_;  // delivers what was held, right after a resume
  uint32_t loopback_subject_ = 0;  // "<name>-><name>" in the trace
};

}  // namespace sfusim::sim
