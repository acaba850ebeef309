// SimNetwork: the simulated network. Hosts (SimHost, each a Net) joined by one-directional links
// (Link, link.h), driven by the Scheduler, recorded in the Trace. Deterministic: only ordered
// containers, every delivery is a scheduler event, and each link draws from its own RNG substream
// Rng::Stream(root_seed, "link/<from>-><to>"), so adding hosts or links never changes the draws of
// the existing ones.
//
// Datagrams. SendTo looks up the link from the sending host to the destination host and asks it
// for the packet's fate: a `send` record (subject "<from>-><to>", size, detail = payload hash),
// then either a `drop` record with the link's reason at once, or, at each arrival time the link
// gives (two for a duplicate), delivery to the socket bound at the destination port: a `deliver`
// record, or a `drop` with no_socket / host_down. No link: drop no_route; an address no host has:
// the subject is "<from>-><a.b.c.d>". Same host: delivered at the current time as a new event
// (after those already due), with no link (subject "<host>-><host>"). A partition (SetLinkUp
// false) drops what is sent from then on (link_down); datagrams already on the wire still arrive,
// as the Link's contract has it (they left before the cut; a link's delay is short).
//
// Message streams (signaling). A message sent at t arrives after the link's base delay, plus its
// transmission time at the link's capacity when one is set (messages of one direction queue
// behind each other for that); never lost, never reordered; they share nothing with the link's
// datagram queue. While the link is down messages wait (also those already on the way: a
// partition stops them as TCP's retransmissions would) and flow again from the moment it is up.
// Each direction holds at most stream_buffer_bytes() undelivered bytes (kMaxStreamMessages
// messages): more closes the stream ("send buffer overflow ..."), the peer learns it after the
// latency ("connection reset by peer"). Records: `send`/`deliver` with subject
// "stream/<from>-><to>", and `event` records for connects, accepts and closes.
// - Connect takes one round trip: the request travels at the forward link's delay; then the
//   acceptor's OnAccept runs (at the server, at that time) and the answer travels back at the
//   reverse link's delay, and the connecting side gets its stream (or the refusal "connection
//   refused: nobody listens on ..." / "... host is down"). No host or no link either way: the
//   callback fails at once ("no route to host ..."). A link down when the request or the answer
//   must cross it loses that packet; the request is retried after 1 s, 2 s, 4 s ... and the
//   attempt fails with "connection timed out" at connect_timeout() (default 5 s).
// - Close(): messages already sent are still delivered, then the peer's OnClosed("closed by
//   peer"), after the latency.
// - Cuts (disconnect_signaling, CutStream/CutStreams): modelled as a middlebox resetting the
//   connection. Both ends' OnClosed("cut by network") run at the time of the cut (one event each,
//   the connecting end first); undelivered messages in both directions are lost. A connect still
//   under way fails with "cut by network". Reconnecting afterwards is an ordinary Connect.
//
// Host faults (each a `fault` record with subject the host and a text such as "crash sfu"):
// - Crash: the host's sockets, listeners, streams and connect attempts are gone, without
//   callbacks; datagrams in flight to it are dropped host_down on arrival; each peer stream gets
//   OnClosed("peer crashed") after the latency (messages the host had already put on the wire
//   arrive first); the host's OnCrash hooks run. Restart: the host is up again with nothing open,
//   ephemeral ports counted from 49152 again; OnRestart hooks rebuild the software.
// - Pause(host, d) models a frozen process (SIGSTOP, GC or VM stall) for d, Resume ends it early:
//   the host's sends fail and nothing is handed to its software, but, as a kernel does for a
//   stopped process, the network side keeps working: datagrams are held (pause_buffer_bytes(),
//   default 212992 bytes = Linux's rmem_default; past that dropped host_down) and delivered in
//   arrival order at the resume time, stream messages and accepts wait and flow on resume, a
//   handshake with it completes. This gives the realistic burst after a stall that jitter buffers
//   and rate control must survive; SetPauseBufferBytes(0) drops everything instead.
//
// pcap: EnablePcap records one link's packets with PcapWriter, at their arrival (default: what the
// receiver's NIC sees, duplicates included, losses not) or at send (what enters the link).
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sfusim/sim/link.h"
#include "sfusim/sim/link_config.h"
#include "sfusim/sim/net.h"
#include "sfusim/sim/pcap_writer.h"
#include "sfusim/sim/scheduler.h"
#include "sfusim/sim/sim_datagram_socket.h"
#include "sfusim/sim/sim_host.h"
#include "sfusim/sim/sim_message_stream.h"
#include "sfusim/sim/socket_address.h"
#include "sfusim/sim/trace.h"

namespace sfusim::sim {

class SimNetwork {
 public:
  static constexpr std::size_t kMaxHosts = 4096;
  static constexpr std::size_t kMaxConnections = 65536;   // open stream connections in the network
  static constexpr std::size_t kMaxConnectAttempts = 65536;
  static constexpr std::size_t kMaxStreamMessages = 65536;  // undelivered messages per direction
  static constexpr std::size_t kDefaultStreamBufferBytes = 4 << 20;
  static constexpr std::size_t kDefaultPauseBufferBytes = 212992;
  static constexpr TimeDelta kDefaultConnectTimeout = TimeDelta::Seconds(5);
  static constexpr TimeDelta kConnectFirstRetry = TimeDelta::Seconds(1);

  enum class PcapPoint : uint8_t { kArrival, kSend };

  // `trace` may be null (nothing is recorded then). Both must outlive the network.
  SimNetwork(Scheduler* scheduler, Trace* trace, uint64_t root_seed);
  ~SimNetwork();
  SimNetwork(const SimNetwork&) = delete;
  SimNetwork& operator=(const SimNetwork&) = delete;

  Scheduler* scheduler() const { return scheduler_; }
  Trace* trace() const { return trace_; }
  uint64_t root_seed() const { return root_seed_; }
  Timestamp Now() const { return scheduler_->Now(); }

  // Hosts. Names are non-empty, without "->" or "/", unique; addresses non-zero and unique.
  // Null (with `error`) otherwise.
  SimHost* AddHost(std::string_view name, uint32_t ip, std::string* error = nullptr);
  SimHost* host(std::string_view name) const;
  SimHost* HostByIp(uint32_t ip) const;
  std::vector<SimHost*> hosts() const;  // in name order

  // Links. SetLink creates the link from -> to, or reconfigures it mid-run (Link::SetConfig, a
  // `fault` record "set_link a->b"). SetLinkUp partitions / heals it (`fault` "link down a->b").
  // The two are independent: the link is up when its config says up and it is not partitioned, so
  // a profile change during a partition does not heal it. Links are never removed.
  bool SetLink(std::string_view from, std::string_view to, const LinkConfig& config, std::string* error = nullptr);
  bool SetLinkUp(std::string_view from, std::string_view to, bool up, std::string* error = nullptr);
  Link* link(std::string_view from, std::string_view to) const;
  static std::string LinkName(std::string_view from, std::string_view to);

  // Host faults (false when the host is unknown or the fault does not apply: crash of a crashed
  // host, restart of a running one, pause of a crashed one, resume of one not paused).
  bool Crash(std::string_view host);
  bool Restart(std::string_view host);
  bool Pause(std::string_view host, TimeDelta duration);  // pausing again re-arms the end time
  bool Resume(std::string_view host);
  // Stream cuts: every stream with an end on `host` (returns how many were cut), or one stream
  // (either end's object, false when it is not an open stream of this network).
  std::size_t CutStreams(std::string_view host);
  bool CutStream(const MessageStream* stream);

  // pcap. Replaces an earlier writer for the same link and point.
  bool EnablePcap(std::string_view from, std::string_view to, const std::string& path, std::string* error = nullptr,
                  PcapPoint point = PcapPoint::kArrival);
  void DisablePcap(std::string_view from, std::string_view to, PcapPoint point = PcapPoint::kArrival);
  const PcapWriter* pcap(std::string_view from, std::string_view to, PcapPoint point = PcapPoint::kArrival) const;
  void FlushPcaps();

  // Settings (may change mid-run; they apply to what happens afterwards).
  void SetPauseBufferBytes(std::size_t bytes) { pause_buffer_bytes_ = bytes; }
  std::size_t pause_buffer_bytes() const { return pause_buffer_bytes_; }
  void SetStreamBufferBytes(std::size_t bytes) { stream_buffer_bytes_ = bytes; }
  std::size_t stream_buffer_bytes() const { return stream_buffer_bytes_; }
  void SetConnectTimeout(TimeDelta timeout) { connect_timeout_ = timeout; }
  TimeDelta connect_timeout() const { return connect_timeout_; }

  // Counters: every datagram drop in the network by reason (links' and hosts' together).
  uint64_t drops(DropReason r) const { return drops_[static_cast<std::size_t>(r)]; }
  uint64_t datagrams_delivered() const { return delivered_; }
  std::size_t datagrams_in_flight() const { return in_flight_; }
  std::size_t open_connections() const { return conns_.size(); }
  uint64_t stream_messages_discarded() const { return stream_discarded_; }

 private:
  friend class SimHost;
  friend class SimDatagramSocket;
  friend class SimMessageStream;

  struct LinkEntry {
    SimHost* from = nullptr;
    SimHost* to = nullptr;
    std::string name;
    uint32_t subject = 0;         // the link name in the trace
    uint32_t stream_subject = 0;  // "stream/<name>"
    std::unique_ptr<Link> link;
    bool config_up = true;     // LinkConfig::up as last set by SetLink
    bool partitioned = false;  // SetLinkUp(false); the link is up when config_up && !partitioned
    bool up = true;            // as last seen by the streams
    std::array<std::unique_ptr<PcapWriter>, 2> pcap;  // by PcapPoint
  };

  // A datagram between send and delivery: pooled, so steady-state traffic allocates nothing.
  struct Packet {
    std::vector<uint8_t> bytes;
    SocketAddress from;
    SocketAddress to;
    SimHost* dest = nullptr;
    LinkEntry* link = nullptr;  // null on loopback
    uint32_t subject = 0;
    uint64_t hash = 0;
    int refs = 0;  // deliveries still to come (2 for a duplicate)
    uint32_t next_free = 0;
    std::array<EventId, 2> events;  // pending arrivals, cancelled if the network goes first
  };

  enum class EndState : uint8_t { kPending, kOpen, kClosing, kDead };
  struct StreamItem {
    std::string data;  // the message, or the close reason
    Timestamp arrival = Timestamp::PlusInfinity();  // PlusInfinity: waiting for the link
    bool is_close = false;
    bool needs_link = true;  // false for a close the network reports locally (cut, overflow)
  };
  struct StreamEnd {
    SimHost* host = nullptr;
    uint64_t epoch = 0;
    SocketAddress address;
    SimMessageStream* stream = nullptr;
    EndState state = EndState::kPending;
  };
  struct StreamDirection {  // dirs[i] carries from ends[i] to ends[1 - i]
    std::deque<StreamItem> items;
    std::size_t bytes = 0;
    Timestamp tx_free_at = Timestamp::Zero();
    Timestamp last_arrival = Timestamp::Zero();
    EventId event;
    LinkEntry* link = nullptr;  // null on loopback
    uint32_t subject = 0;
  };
  struct Connection {
    uint64_t id = 0;
    std::array<StreamEnd, 2> ends;
    std::array<StreamDirection, 2> dirs;
  };
  struct ConnectAttempt {
    uint64_t id = 0;
    SimHost* client = nullptr;
    uint64_t epoch = 0;
    SimHost* server = nullptr;
    SocketAddress local;
    SocketAddress remote;
    Net::ConnectCallback callback;
    Timestamp started;
    TimeDelta next_retry;
    uint64_t conn_id = 0;      // once the server accepted
    std::string error;         // set when the attempt failed (the result is on its way)
    EventId event;
  };

  // Datagram path.
  bool SendDatagram(SimHost& host, const SocketAddress& from, const SocketAddress& to, std::span<const uint8_t> data);
  uint32_t NewPacket(std::span<const uint8_t> data);
  void ReleasePacket(uint32_t slot);
  void PostArrival(uint32_t slot, Timestamp at);
  void OnPacketArrival(uint32_t slot);
  void ArriveAtHost(uint32_t slot);
  void DropPacket(uint32_t slot, DropReason reason);
  void CloseDatagramSocket(SimDatagramSocket* socket);

  // Links.
  LinkEntry* FindLink(const SimHost& from, const SimHost& to) const;
  LinkEntry* FindLink(std::string_view from, std::string_view to) const;
  void OnLinkStateMaybeChanged(LinkEntry* link);

  // Streams.
  void StartConnect(SimHost& client, const SocketAddress& to, Net::ConnectCallback callback);
  void SendSyn(uint64_t attempt_id);
  void OnSynArrival(uint64_t attempt_id);
  void RetryOrTimeOut(ConnectAttempt& attempt);
  void FailAttemptAt(ConnectAttempt& attempt, Timestamp at, std::string error);
  void OnConnectResult(uint64_t attempt_id);
  void Accept(uint64_t conn_id);
  Connection* FindConn(uint64_t id);
  bool PathUp(const StreamDirection& dir) const;
  TimeDelta PathDelay(const StreamDirection& dir) const;
  void AssignArrival(StreamDirection& dir, StreamItem& item);
  void Enqueue(Connection& conn, int dir, StreamItem item);
  void Kick(Connection& conn, int dir);
  void OnDirectionEvent(uint64_t conn_id, int dir);
  bool Deliverable(const StreamEnd& end) const;
  enum class Discard : uint8_t { kAll, kWaiting, kKeepLocalCloses };
  void DiscardItems(Connection& conn, int dir, Discard what);
  void KillEnd(Connection& conn, int side);
  void MaybeErase(uint64_t conn_id);
  bool StreamSend(SimMessageStream& stream, std::string message);
  void StreamClose(SimMessageStream& stream);
  void StreamSetListener(SimMessageStream& stream);
  void AbortConnection(Connection& conn, int side, const std::string& local_reason, const std::string& peer_reason);
  void CutConnection(Connection& conn);
  void KickDirectionsTowards(const SimHost& host);

  // Host faults.
  SimHost* FindHostOrNull(std::string_view name) const;
  void ResumeNow(SimHost& host);
  void DrainHost(SimHost& host);
  uint32_t StreamSubject(const SimHost& from, const SimHost& to);
  void RecordFault(uint32_t subject, const std::string& text);
  void RecordEvent(uint32_t subject, const std::string& text);
  uint32_t Intern(std::string_view name);
  void CountDrop(DropReason r) { ++drops_[static_cast<std::size_t>(r)]; }

  Scheduler* scheduler_;
  Trace* trace_;
  uint64_t root_seed_;

  std::map<std::string, std::unique_ptr<SimHost>, std::less<>> hosts_;
  std::map<uint32_t, SimHost*> hosts_by_ip_;
  std::map<std::pair<uint32_t, uint32_t>, std::unique_ptr<LinkEntry>> links_;  // by host index

  std::deque<Packet> packets_;  // a deque: slots keep their address while the pool grows
  uint32_t free_packet_ = UINT32_MAX;
  std::size_t in_flight_ = 0;

  std::map<uint64_t, std::unique_ptr<Connection>> conns_;
  std::map<uint64_t, ConnectAttempt> attempts_;
  uint64_t next_conn_id_ = 1;
  uint64_t next_attempt_id_ = 1;

  std::size_t pause_buffer_bytes_ = kDefaultPauseBufferBytes;
  std::size_t stream_buffer_bytes_ = kDefaultStreamBufferBytes;
  TimeDelta connect_timeout_ = kDefaultConnectTimeout;

  std::array<uint64_t, static_cast<std::size_t>(DropReason::kCount)> drops_{};
  uint64_t delivered_ = 0;
  uint64_t stream_discarded_ = 0;
};

}  // namespace sfusim::sim
