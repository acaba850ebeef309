#include "sfusim/sim/sim_network.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <utility>

namespace sfusim::sim {
namespace {

std::string MsText(TimeDelta d) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.3f ms", d.ms_f());
  return buf;
}

uint32_t SizeField(std::size_t n) { return n > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(n); }

[[noreturn]] void Fatal(const char* what) {
  std::fprintf(stderr, "sfusim: sim network invariant broken: %s\n", what);
  std::abort();
}

}  // namespace

SimNetwork::SimNetwork(Scheduler* scheduler, Trace* trace, uint64_t root_seed)
    : scheduler_(scheduler), trace_(trace), root_seed_(root_seed) {
  if (scheduler_ == nullptr) Fatal("SimNetwork needs a scheduler");
}

SimNetwork::~SimNetwork() {
  // Every event we posted captures `this`: cancel them all, and detach every object the hosts'
  // software still holds so that none of them calls into a destroyed network.
  for (Packet& p : packets_) {
    for (EventId id : p.events) scheduler_->Cancel(id);
  }
  for (auto& [id, conn] : conns_) {
    for (StreamDirection& dir : conn->dirs) scheduler_->Cancel(dir.event);
    for (StreamEnd& end : conn->ends) {
      if (end.stream) {
        end.stream->network_ = nullptr;
        end.stream->open_ = false;
        end.stream->listener_ = nullptr;
        end.stream = nullptr;
      }
    }
  }
  for (auto& [id, attempt] : attempts_) scheduler_->Cancel(attempt.event);
  for (auto& [name, host] : hosts_) {
    scheduler_->Cancel(host->resume_event_);
    scheduler_->Cancel(host->drain_event_);
    for (auto& [port, socket] : host->udp_) socket->Detach();
    host->udp_.clear();
  }
}

// ---------------------------------------------------------------------------------------------
// Hosts and links

uint32_t SimNetwork::Intern(std::string_view name) { return trace_ ? trace_->Intern(name) : 0; }

void SimNetwork::RecordFault(uint32_t subject, const std::string& text) {
  if (trace_) trace_->RecordText(Now(), TraceKind::kFault, subject, text);
}

void SimNetwork::RecordEvent(uint32_t subject, const std::string& text) {
  if (trace_) trace_->RecordText(Now(), TraceKind::kEvent, subject, text);
}

std::string SimNetwork::LinkName(std::string_view from, std::string_view to) {
  std::string name;
  name.reserve(from.size() + 2 + to.size());
  name.append(from).append("->").append(to);
  return name;
}

SimHost* SimNetwork::AddHost(std::string_view name, uint32_t ip, std::string* error) {
  auto fail = [&](std::string why) -> SimHost* {
    if (error) *error = std::move(why);
    return nullptr;
  };
  if (name.empty()) return fail("AddHost: empty host name");
  if (name.find("->") != std::string_view::npos || name.find('/') != std::string_view::npos) {
    return fail("AddHost: host name '" + std::string(name) + "' contains '->' or '/' (they separate link names)");
  }
  if (ip == 0) return fail("AddHost: host '" + std::string(name) + "' needs a non-zero IPv4 address");
  if (hosts_.size() >= kMaxHosts) return fail("AddHost: more than " + std::to_string(kMaxHosts) + " hosts");
  if (hosts_.count(name) != 0) return fail("AddHost: host name '" + std::string(name) + "' is already taken");
  auto by_ip = hosts_by_ip_.find(ip);
  if (by_ip != hosts_by_ip_.end()) {
    return fail("AddHost: address " + SocketAddress{ip, 0}.IpString() + " of '" + std::string(name) +
                "' already belongs to '" + by_ip->second->name() + "'");
  }
  uint32_t index = static_cast<uint32_t>(hosts_.size());
  auto host = std::unique_ptr<SimHost>(new SimHost(this, std::string(name), ip, index, Intern(name)));
  host->loopback_subject_ = Intern(LinkName(name, name));
  SimHost* raw = host.get();
  hosts_.emplace(std::string(name), std::move(host));
  hosts_by_ip_.emplace(ip, raw);
  return raw;
}

SimHost* SimNetwork::FindHostOrNull(std::string_view name) const {
  auto it = hosts_.find(name);
  return it == hosts_.end() ? nullptr : it->second.get();
}

SimHost* SimNetwork::host(std::string_view name) const { return FindHostOrNull(name); }

SimHost* SimNetwork::HostByIp(uint32_t ip) const {
  auto it = hosts_by_ip_.find(ip);
  return it == hosts_by_ip_.end() ? nullptr : it->second;
}

std::vector<SimHost*> SimNetwork::hosts() const {
  std::vector<SimHost*> out;
  out.reserve(hosts_.size());
  for (const auto& [name, host] : hosts_) out.push_back(host.get());
  return out;
}

SimNetwork::LinkEntry* SimNetwork::FindLink(const SimHost& from, const SimHost& to) const {
  auto it = links_.find({from.index_, to.index_});
  return it == links_.end() ? nullptr : it->second.get();
}

SimNetwork::LinkEntry* SimNetwork::FindLink(std::string_view from, std::string_view to) const {
  SimHost* a = FindHostOrNull(from);
  SimHost* b = FindHostOrNull(to);
  return a && b ? FindLink(*a, *b) : nullptr;
}

Link* SimNetwork::link(std::string_view from, std::string_view to) const {
  LinkEntry* le = FindLink(from, to);
  return le ? le->link.get() : nullptr;
}

bool SimNetwork::SetLink(std::string_view from, std::string_view to, const LinkConfig& config, std::string* error) {
  auto fail = [&](std::string why) {
    if (error) *error = std::move(why);
    return false;
  };
  SimHost* a = FindHostOrNull(from);
  SimHost* b = FindHostOrNull(to);
  if (!a) return fail("SetLink: unknown host '" + std::string(from) + "'");
  if (!b) return fail("SetLink: unknown host '" + std::string(to) + "'");
  if (a == b) {
    return fail("SetLink: a link joins two different hosts ('" + a->name() + "' talks to itself by loopback)");
  }
  std::string name = LinkName(from, to);
  std::vector<LinkConfigError> problems = ValidateLinkConfig(config);
  if (!problems.empty()) return fail("link " + name + ": " + JoinLinkConfigErrors(problems));

  auto key = std::make_pair(a->index_, b->index_);
  auto it = links_.find(key);
  if (it != links_.end()) {
    LinkEntry* le = it->second.get();
    // A partition (SetLinkUp) outlives a change of the link's profile; config.up still applies.
    le->config_up = config.up;
    LinkConfig effective = config;
    effective.up = le->config_up && !le->partitioned;
    le->link->SetConfig(Now(), std::move(effective));
    RecordFault(le->subject, "set_link " + name);
    OnLinkStateMaybeChanged(le);
    return true;
  }
  auto le = std::make_unique<LinkEntry>();
  le->from = a;
  le->to = b;
  le->name = name;
  le->subject = Intern(name);
  le->stream_subject = Intern("stream/" + name);
  le->link = std::make_unique<Link>(config, Rng::Stream(root_seed_, "link/" + name));
  le->config_up = config.up;
  le->up = le->link->up();
  links_.emplace(key, std::move(le));
  return true;
}

bool SimNetwork::SetLinkUp(std::string_view from, std::string_view to, bool up, std::string* error) {
  LinkEntry* le = FindLink(from, to);
  if (!le) {
    if (error) *error = "SetLinkUp: no link " + LinkName(from, to);
    return false;
  }
  le->partitioned = !up;
  le->link->SetUp(le->config_up && !le->partitioned);
  RecordFault(le->subject, std::string(up ? "link up " : "link down ") + le->name);
  OnLinkStateMaybeChanged(le);
  return true;
}

void SimNetwork::OnLinkStateMaybeChanged(LinkEntry* le) {
  bool up = le->link->up();
  if (up == le->up) return;
  le->up = up;
  Timestamp now = Now();
  for (auto& [id, conn] : conns_) {
    for (int d = 0; d < 2; ++d) {
      StreamDirection& dir = conn->dirs[d];
      if (dir.link != le) continue;
      if (!up) {
        // Messages still on the way stop (as TCP's retransmissions would) and wait for the link;
        // those already at the far end stay there.
        for (StreamItem& item : dir.items) {
          if (item.needs_link && item.arrival > now) item.arrival = Timestamp::PlusInfinity();
        }
        scheduler_->Cancel(dir.event);
        dir.event = EventId{};
        dir.tx_free_at = now;
        dir.last_arrival = now;
        Kick(*conn, d);  // what already arrived (or a local close) is still delivered
      } else {
        for (StreamItem& item : dir.items) {
          if (item.arrival.IsPlusInfinity()) AssignArrival(dir, item);
        }
        Kick(*conn, d);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Datagrams

uint32_t SimNetwork::NewPacket(std::span<const uint8_t> data) {
  uint32_t slot;
  if (free_packet_ != UINT32_MAX) {
    slot = free_packet_;
    free_packet_ = packets_[slot].next_free;
  } else {
    slot = static_cast<uint32_t>(packets_.size());
    packets_.emplace_back();
  }
  Packet& p = packets_[slot];
  p.bytes.assign(data.begin(), data.end());  // reuses the slot's capacity: no allocation in steady state
  ++in_flight_;
  return slot;
}

void SimNetwork::ReleasePacket(uint32_t slot) {
  Packet& p = packets_[slot];
  if (--p.refs > 0) return;
  p.next_free = free_packet_;
  free_packet_ = slot;
  --in_flight_;
}

void SimNetwork::PostArrival(uint32_t slot, Timestamp at) {
  EventId id = scheduler_->PostAt(at, [this, slot] { OnPacketArrival(slot); });
  Packet& p = packets_[slot];
  EventId& place = scheduler_->IsPending(p.events[0]) ? p.events[1] : p.events[0];
  place = id;
}

bool SimNetwork::SendDatagram(SimHost& host, const SocketAddress& from, const SocketAddress& to,
                              std::span<const uint8_t> data) {
  if (host.state_ != SimHost::State::kUp || data.size() > SimDatagramSocket::kMaxDatagramBytes) {
    ++host.counters_.sends_refused;
    return false;
  }
  const Timestamp now = Now();
  ++host.counters_.datagrams_sent;
  host.counters_.bytes_sent += data.size();
  const uint32_t size = SizeField(data.size());
  const uint64_t hash = trace_ ? Trace::HashBytes(data.data(), data.size()) : 0;

  SimHost* dest = HostByIp(to.ip);
  if (dest == &host) {
    if (trace_) trace_->Record(now, TraceKind::kSend, host.loopback_subject_, size, hash);
    uint32_t slot = NewPacket(data);
    Packet& p = packets_[slot];
    p.from = from;
    p.to = to;
    p.dest = dest;
    p.link = nullptr;
    p.subject = host.loopback_subject_;
    p.hash = hash;
    p.refs = 1;
    PostArrival(slot, now);
    return true;
  }

  LinkEntry* le = dest ? FindLink(host, *dest) : nullptr;
  if (!le) {
    uint32_t subject = Intern(LinkName(host.name_, dest ? std::string_view(dest->name_) : to.IpString()));
    if (trace_) {
      trace_->Record(now, TraceKind::kSend, subject, size, hash);
      trace_->Record(now, TraceKind::kDrop, subject, size, hash, DropReason::kNoRoute);
    }
    ++host.counters_.drops[static_cast<std::size_t>(DropReason::kNoRoute)];
    CountDrop(DropReason::kNoRoute);
    return true;
  }

  if (trace_) trace_->Record(now, TraceKind::kSend, le->subject, size, hash);
  if (auto& pcap = le->pcap[static_cast<std::size_t>(PcapPoint::kSend)]) pcap->WriteUdp(now, from, to, data);
  LinkResult result = le->link->Send(now, data.size());
  if (result.dropped()) {
    if (trace_) trace_->Record(now, TraceKind::kDrop, le->subject, size, hash, result.drop);
    CountDrop(result.drop);
    return true;
  }
  uint32_t slot = NewPacket(data);
  Packet& p = packets_[slot];
  p.from = from;
  p.to = to;
  p.dest = dest;
  p.link = le;
  p.subject = le->subject;
  p.hash = hash;
  p.refs = result.duplicate_arrival ? 2 : 1;
  PostArrival(slot, result.arrival);
  if (result.duplicate_arrival) PostArrival(slot, *result.duplicate_arrival);
  return true;
}

void SimNetwork::OnPacketArrival(uint32_t slot) {
  Packet& p = packets_[slot];
  if (p.link) {
    if (auto& pcap = p.link->pcap[static_cast<std::size_t>(PcapPoint::kArrival)]) {
      pcap->WriteUdp(Now(), p.from, p.to, p.bytes);
    }
  }
  ArriveAtHost(slot);
}

void SimNetwork::DropPacket(uint32_t slot, DropReason reason) {
  Packet& p = packets_[slot];
  if (trace_) trace_->Record(Now(), TraceKind::kDrop, p.subject, SizeField(p.bytes.size()), p.hash, reason);
  ++p.dest->counters_.drops[static_cast<std::size_t>(reason)];
  CountDrop(reason);
  ReleasePacket(slot);
}

void SimNetwork::ArriveAtHost(uint32_t slot) {
  Packet& p = packets_[slot];  // stays valid: the pool is a deque and this slot is not free
  SimHost& dest = *p.dest;
  if (dest.state_ == SimHost::State::kDown) return DropPacket(slot, DropReason::kHostDown);
  if (dest.state_ == SimHost::State::kPaused) {
    if (dest.held_bytes_ + p.bytes.size() > pause_buffer_bytes_) return DropPacket(slot, DropReason::kHostDown);
    dest.held_packets_.push_back(slot);
    dest.held_bytes_ += p.bytes.size();
    ++dest.counters_.datagrams_held;
    return;
  }
  auto it = dest.udp_.find(p.to.port);
  if (it == dest.udp_.end()) return DropPacket(slot, DropReason::kNoSocket);
  SimDatagramSocket* socket = it->second;
  if (trace_) trace_->Record(Now(), TraceKind::kDeliver, p.subject, SizeField(p.bytes.size()), p.hash);
  ++dest.counters_.datagrams_received;
  dest.counters_.bytes_received += p.bytes.size();
  ++delivered_;
  socket->receiver_->OnDatagram(p.from, std::span<const uint8_t>(p.bytes.data(), p.bytes.size()));
  ReleasePacket(slot);
}

void SimNetwork::CloseDatagramSocket(SimDatagramSocket* socket) {
  SimHost* host = socket->host_;
  auto it = host->udp_.find(socket->local_.port);
  if (it != host->udp_.end() && it->second == socket) host->udp_.erase(it);
  socket->Detach();
}

// ---------------------------------------------------------------------------------------------
// pcap

bool SimNetwork::EnablePcap(std::string_view from, std::string_view to, const std::string& path, std::string* error,
                            PcapPoint point) {
  LinkEntry* le = FindLink(from, to);
  if (!le) {
    if (error) *error = "EnablePcap: no link " + LinkName(from, to);
    return false;
  }
  std::unique_ptr<PcapWriter> writer = PcapWriter::Open(path, error);
  if (!writer) return false;
  le->pcap[static_cast<std::size_t>(point)] = std::move(writer);
  return true;
}

void SimNetwork::DisablePcap(std::string_view from, std::string_view to, PcapPoint point) {
  if (LinkEntry* le = FindLink(from, to)) le->pcap[static_cast<std::size_t>(point)].reset();
}

const PcapWriter* SimNetwork::pcap(std::string_view from, std::string_view to, PcapPoint point) const {
  LinkEntry* le = FindLink(from, to);
  return le ? le->pcap[static_cast<std::size_t>(point)].get() : nullptr;
}

void SimNetwork::FlushPcaps() {
  for (auto& [key, le] : links_) {
    for (auto& writer : le->pcap) {
      if (writer) writer->Flush();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Streams: connect

uint32_t SimNetwork::StreamSubject(const SimHost& from, const SimHost& to) {
  if (LinkEntry* le = FindLink(from, to)) return le->stream_subject;
  return Intern("stream/" + LinkName(from.name_, to.name_));
}

void SimNetwork::StartConnect(SimHost& client, const SocketAddress& to, Net::ConnectCallback callback) {
  const uint64_t id = next_attempt_id_++;
  ConnectAttempt& a = attempts_[id];
  a.id = id;
  a.client = &client;
  a.epoch = client.epoch_;
  a.remote = to;
  a.callback = std::move(callback);
  a.started = Now();
  a.next_retry = kConnectFirstRetry;
  a.local = SocketAddress{client.ip_, 0};

  std::string error;
  SimHost* server = HostByIp(to.ip);
  if (attempts_.size() > kMaxConnectAttempts) {
    error = "too many connect attempts under way (" + std::to_string(kMaxConnectAttempts) + ")";
  } else if (client.state_ == SimHost::State::kDown) {
    error = "host " + client.Describe() + " is down";
  } else if (client.state_ == SimHost::State::kPaused) {
    error = "host " + client.Describe() + " is paused";
  } else if (!server) {
    error = "no route to host " + to.IpString() + ": no host has that address";
  } else if (server != &client && !FindLink(client, *server)) {
    error = "no route to host " + to.IpString() + ": no link " + LinkName(client.name_, server->name_);
  } else if (server != &client && !FindLink(*server, client)) {
    error = "no route to host " + to.IpString() + ": no link " + LinkName(server->name_, client.name_);
  } else if (uint16_t port = client.AllocateStreamPort(); port == 0) {
    error = "host " + client.Describe() + ": no free ephemeral stream port";
  } else {
    a.local.port = port;
  }
  a.server = server;
  uint32_t subject = server ? StreamSubject(client, *server) : client.trace_subject_;
  RecordEvent(subject, "connect " + a.local.ToString() + " -> " + to.ToString());
  if (!error.empty()) {
    FailAttemptAt(a, Now(), std::move(error));
    return;
  }
  SendSyn(id);
}

void SimNetwork::SendSyn(uint64_t attempt_id) {
  auto it = attempts_.find(attempt_id);
  if (it == attempts_.end()) return;
  ConnectAttempt& a = it->second;
  a.event = EventId{};
  TimeDelta delay = TimeDelta::Zero();
  if (a.server != a.client) {
    LinkEntry* fwd = FindLink(*a.client, *a.server);
    if (!fwd->link->up()) return RetryOrTimeOut(a);
    delay = fwd->link->config().delay;
  }
  a.event = scheduler_->PostDelayed(delay, [this, attempt_id] { OnSynArrival(attempt_id); });
}

void SimNetwork::RetryOrTimeOut(ConnectAttempt& a) {
  const Timestamp deadline = a.started + connect_timeout_;
  const Timestamp next = Now() + a.next_retry;
  a.next_retry = a.next_retry * 2;
  if (next >= deadline) {
    std::string why = "connection timed out after " + MsText(connect_timeout_) + " (" +
                      LinkName(a.client->name_, a.server->name_) + " or back is down)";
    FailAttemptAt(a, std::max(deadline, Now()), std::move(why));
    return;
  }
  const uint64_t id = a.id;
  a.event = scheduler_->PostAt(next, [this, id] { SendSyn(id); });
}

void SimNetwork::FailAttemptAt(ConnectAttempt& a, Timestamp at, std::string error) {
  a.error = std::move(error);
  const uint64_t id = a.id;
  a.event = scheduler_->PostAt(std::max(at, Now()), [this, id] { OnConnectResult(id); });
}

void SimNetwork::OnSynArrival(uint64_t attempt_id) {
  auto it = attempts_.find(attempt_id);
  if (it == attempts_.end()) return;
  ConnectAttempt& a = it->second;
  a.event = EventId{};
  SimHost& client = *a.client;
  SimHost& server = *a.server;
  TimeDelta back = TimeDelta::Zero();
  if (&server != &client) {
    LinkEntry* rev = FindLink(server, client);
    if (!rev->link->up()) return RetryOrTimeOut(a);  // the answer is lost: the client retries
    back = rev->link->config().delay;
  }
  const Timestamp answer_at = Now() + back;
  if (server.state_ == SimHost::State::kDown) {
    return FailAttemptAt(a, answer_at, "connection refused: host " + server.Describe() + " is down");
  }
  auto listener = server.listeners_.find(a.remote.port);
  if (listener == server.listeners_.end()) {
    return FailAttemptAt(a, answer_at, "connection refused: nobody listens on " + a.remote.ToString());
  }
  if (conns_.size() >= kMaxConnections) {
    return FailAttemptAt(a, answer_at, "connection refused: " + std::to_string(kMaxConnections) +
                                           " connections open in the network (the limit)");
  }
  const uint64_t conn_id = next_conn_id_++;
  auto conn = std::make_unique<Connection>();
  conn->id = conn_id;
  conn->ends[0] = StreamEnd{&client, a.epoch, a.local, nullptr, EndState::kPending};
  conn->ends[1] = StreamEnd{&server, server.epoch_, a.remote, nullptr, EndState::kPending};
  for (int d = 0; d < 2; ++d) {
    SimHost& from = *conn->ends[d].host;
    SimHost& to = *conn->ends[1 - d].host;
    conn->dirs[d].link = &from == &to ? nullptr : FindLink(from, to);
    conn->dirs[d].subject = StreamSubject(from, to);
  }
  // Nothing the server sends can reach the client before the client holds its stream.
  conn->dirs[1].last_arrival = answer_at;
  conn->dirs[1].tx_free_at = Now();
  conn->dirs[0].tx_free_at = Now();
  a.conn_id = conn_id;
  RecordEvent(conn->dirs[0].subject, "accept " + a.local.ToString() + " -> " + a.remote.ToString());
  conns_.emplace(conn_id, std::move(conn));
  a.event = scheduler_->PostAt(answer_at, [this, attempt_id] { OnConnectResult(attempt_id); });
  if (server.state_ == SimHost::State::kPaused) {
    server.deferred_.push_back(SimHost::Deferred{SimHost::Deferred::Kind::kAccept, conn_id});
  } else {
    Accept(conn_id);
  }
}

void SimNetwork::Accept(uint64_t conn_id) {
  Connection* conn = FindConn(conn_id);
  if (!conn) return;
  StreamEnd& s = conn->ends[1];
  if (s.state != EndState::kPending) return;
  SimHost& server = *s.host;
  if (server.epoch_ != s.epoch || server.state_ == SimHost::State::kDown) return;
  auto listener = server.listeners_.find(s.address.port);
  if (listener == server.listeners_.end()) {
    // The listener went away while the host was paused: the kernel had accepted; now it resets.
    KillEnd(*conn, 1);
    StreamEnd& c = conn->ends[0];
    if (c.state == EndState::kOpen || c.state == EndState::kPending) {
      StreamItem close;
      close.is_close = true;
      close.data = "connection reset: nobody listens on " + s.address.ToString() + " any more";
      Enqueue(*conn, 1, std::move(close));
    }
    MaybeErase(conn_id);
    return;
  }
  auto stream = std::unique_ptr<SimMessageStream>(
      new SimMessageStream(this, conn_id, 1, s.address, conn->ends[0].address));
  s.stream = stream.get();
  s.state = EndState::kOpen;
  StreamAcceptor* acceptor = listener->second;
  acceptor->OnAccept(std::move(stream));
  if (Connection* c = FindConn(conn_id)) Kick(*c, 0);
}

void SimNetwork::OnConnectResult(uint64_t attempt_id) {
  auto it = attempts_.find(attempt_id);
  if (it == attempts_.end()) return;
  ConnectAttempt& a = it->second;
  a.event = EventId{};
  SimHost& client = *a.client;
  if (client.epoch_ != a.epoch) {  // crashed meanwhile: nobody is left to tell
    attempts_.erase(it);
    return;
  }
  if (client.state_ == SimHost::State::kPaused) {
    client.deferred_.push_back(SimHost::Deferred{SimHost::Deferred::Kind::kConnectResult, attempt_id});
    return;
  }
  ConnectAttempt att = std::move(a);
  attempts_.erase(it);
  Connection* conn = att.conn_id ? FindConn(att.conn_id) : nullptr;
  if (att.error.empty() && (!conn || conn->ends[0].state != EndState::kPending)) {
    att.error = "connection reset before it was established";
  }
  const uint32_t subject = conn ? conn->dirs[0].subject
                                : (att.server ? StreamSubject(client, *att.server) : client.trace_subject_);
  if (!att.error.empty()) {
    if (conn) {
      KillEnd(*conn, 0);
      MaybeErase(att.conn_id);
    }
    if (att.local.port != 0) client.stream_client_ports_.erase(att.local.port);
    RecordEvent(subject, "connect " + att.local.ToString() + " -> " + att.remote.ToString() + " failed: " + att.error);
    if (att.callback) att.callback(nullptr, att.error);
    return;
  }
  StreamEnd& c = conn->ends[0];
  auto stream = std::unique_ptr<SimMessageStream>(
      new SimMessageStream(this, att.conn_id, 0, c.address, conn->ends[1].address));
  c.stream = stream.get();
  c.state = EndState::kOpen;
  RecordEvent(subject, "established " + att.local.ToString() + " -> " + att.remote.ToString());
  const uint64_t conn_id = att.conn_id;
  if (att.callback) att.callback(std::move(stream), std::string_view());
  if (Connection* again = FindConn(conn_id)) Kick(*again, 1);
}

// ---------------------------------------------------------------------------------------------
// Streams: data path

SimNetwork::Connection* SimNetwork::FindConn(uint64_t id) {
  auto it = conns_.find(id);
  return it == conns_.end() ? nullptr : it->second.get();
}

bool SimNetwork::PathUp(const StreamDirection& dir) const { return dir.link == nullptr || dir.link->link->up(); }

TimeDelta SimNetwork::PathDelay(const StreamDirection& dir) const {
  return dir.link ? dir.link->link->config().delay : TimeDelta::Zero();
}

void SimNetwork::AssignArrival(StreamDirection& dir, StreamItem& item) {
  const Timestamp now = Now();
  const Timestamp start = std::max(now, dir.tx_free_at);
  Timestamp tx_end = start;
  if (dir.link && !item.is_close && !item.data.empty()) {
    // Transmission at the rate in force when it starts (a capacity step during one signaling
    // message is not worth integrating over).
    if (std::optional<DataRate> rate = dir.link->link->CapacityAt(start)) {
      tx_end = start + rate->TransmissionTime(static_cast<int64_t>(item.data.size()));
    }
  }
  dir.tx_free_at = tx_end;
  item.arrival = std::max(dir.last_arrival, tx_end + PathDelay(dir));
  dir.last_arrival = item.arrival;
}

void SimNetwork::Enqueue(Connection& conn, int d, StreamItem item) {
  StreamDirection& dir = conn.dirs[d];
  if (item.needs_link) {
    if (PathUp(dir)) {
      AssignArrival(dir, item);
    } else {
      item.arrival = Timestamp::PlusInfinity();
    }
  }
  if (!item.is_close) dir.bytes += item.data.size();
  dir.items.push_back(std::move(item));
  Kick(conn, d);
}

void SimNetwork::Kick(Connection& conn, int d) {
  StreamDirection& dir = conn.dirs[d];
  if (dir.items.empty() || scheduler_->IsPending(dir.event)) return;
  const Timestamp arrival = dir.items.front().arrival;
  if (arrival.IsPlusInfinity()) return;
  const uint64_t id = conn.id;
  dir.event = scheduler_->PostAt(std::max(arrival, Now()), [this, id, d] { OnDirectionEvent(id, d); });
}

bool SimNetwork::Deliverable(const StreamEnd& end) const {
  return (end.state == EndState::kOpen || end.state == EndState::kClosing) && end.stream != nullptr &&
         end.stream->listener_ != nullptr && end.host->state_ == SimHost::State::kUp &&
         end.host->epoch_ == end.epoch;
}

void SimNetwork::OnDirectionEvent(uint64_t conn_id, int d) {
  Connection* conn = FindConn(conn_id);
  if (!conn) return;
  StreamDirection& dir = conn->dirs[d];
  dir.event = EventId{};
  if (dir.items.empty()) return;
  if (dir.items.front().arrival > Now()) return Kick(*conn, d);
  StreamEnd& dest = conn->ends[1 - d];
  if (!Deliverable(dest)) return;  // it waits; SetListener / Resume / Accept kick it again
  StreamItem item = std::move(dir.items.front());
  dir.items.pop_front();
  MessageStream::Listener* listener = dest.stream->listener_;
  if (item.is_close) {
    RecordEvent(dir.subject, "closed " + dest.address.ToString() + ": " + item.data);
    KillEnd(*conn, 1 - d);
    listener->OnClosed(item.data);
  } else {
    dir.bytes -= item.data.size();
    if (trace_) {
      trace_->Record(Now(), TraceKind::kDeliver, dir.subject, SizeField(item.data.size()),
                     Trace::HashBytes(reinterpret_cast<const uint8_t*>(item.data.data()), item.data.size()));
    }
    ++dest.host->counters_.stream_messages_received;
    listener->OnMessage(item.data);
  }
  if (Connection* again = FindConn(conn_id)) {
    Kick(*again, d);
    MaybeErase(conn_id);
  }
}

void SimNetwork::DiscardItems(Connection& conn, int d, Discard what) {
  StreamDirection& dir = conn.dirs[d];
  std::deque<StreamItem> kept;
  for (StreamItem& item : dir.items) {
    bool keep = (what == Discard::kWaiting && !item.arrival.IsPlusInfinity()) ||
                (what == Discard::kKeepLocalCloses && item.is_close && !item.needs_link);
    if (keep) {
      kept.push_back(std::move(item));
    } else if (!item.is_close) {
      ++stream_discarded_;
      dir.bytes -= item.data.size();
    }
  }
  dir.items.swap(kept);
  // The pending event may have been for an item now gone: plan again from the new head.
  scheduler_->Cancel(dir.event);
  dir.event = EventId{};
  Kick(conn, d);
}

void SimNetwork::KillEnd(Connection& conn, int side) {
  StreamEnd& e = conn.ends[side];
  if (e.state == EndState::kDead) return;
  e.state = EndState::kDead;
  if (e.stream) {
    e.stream->open_ = false;
    e.stream->network_ = nullptr;
    e.stream->listener_ = nullptr;
    e.stream = nullptr;
  }
  DiscardItems(conn, 1 - side, Discard::kAll);  // nothing more reaches it
  if (side == 0 && e.host->epoch_ == e.epoch) e.host->stream_client_ports_.erase(e.address.port);
}

void SimNetwork::MaybeErase(uint64_t conn_id) {
  auto it = conns_.find(conn_id);
  if (it == conns_.end()) return;
  Connection& conn = *it->second;
  for (const StreamEnd& e : conn.ends) {
    if (e.state != EndState::kDead) return;
  }
  for (const StreamDirection& dir : conn.dirs) {
    if (!dir.items.empty()) return;
  }
  for (StreamDirection& dir : conn.dirs) scheduler_->Cancel(dir.event);
  conns_.erase(it);
}

bool SimNetwork::StreamSend(SimMessageStream& stream, std::string message) {
  Connection* conn = FindConn(stream.conn_id_);
  if (!conn) return false;
  const int side = stream.side_;
  StreamEnd& me = conn->ends[side];
  if (me.state != EndState::kOpen || me.stream != &stream) return false;
  SimHost& host = *me.host;
  if (host.state_ != SimHost::State::kUp) {
    ++host.counters_.sends_refused;
    return false;
  }
  StreamEnd& peer = conn->ends[1 - side];
  StreamDirection& dir = conn->dirs[side];
  if (dir.bytes + message.size() > stream_buffer_bytes_ || dir.items.size() >= kMaxStreamMessages) {
    std::string why = "send buffer overflow: " + std::to_string(dir.bytes + message.size()) + " bytes in " +
                      std::to_string(dir.items.size() + 1) + " messages for " + peer.address.ToString() +
                      " (limit " + std::to_string(stream_buffer_bytes_) + " bytes, " +
                      std::to_string(kMaxStreamMessages) + " messages)" +
                      (PathUp(dir) ? "" : " while " + dir.link->name + " is down");
    ++host.counters_.sends_refused;
    AbortConnection(*conn, side, why, "connection reset by peer (" + why + ")");
    return false;
  }
  ++host.counters_.stream_messages_sent;
  if (trace_) {
    trace_->Record(Now(), TraceKind::kSend, dir.subject, SizeField(message.size()),
                   Trace::HashBytes(reinterpret_cast<const uint8_t*>(message.data()), message.size()));
  }
  if (peer.state == EndState::kDead || peer.state == EndState::kClosing) {
    ++stream_discarded_;  // the peer is gone and this end will learn it soon
    return true;
  }
  StreamItem item;
  item.data = std::move(message);
  Enqueue(*conn, side, std::move(item));
  return true;
}

void SimNetwork::StreamClose(SimMessageStream& stream) {
  Connection* conn = FindConn(stream.conn_id_);
  if (!conn) return;
  const int side = stream.side_;
  StreamEnd& me = conn->ends[side];
  if (me.stream != &stream) return;
  const EndState was = me.state;
  me.stream = nullptr;
  KillEnd(*conn, side);
  StreamEnd& peer = conn->ends[1 - side];
  if (was == EndState::kOpen && (peer.state == EndState::kOpen || peer.state == EndState::kPending)) {
    RecordEvent(conn->dirs[side].subject, "close " + me.address.ToString() + " -> " + peer.address.ToString());
    StreamItem close;
    close.is_close = true;
    close.data = "closed by peer";
    Enqueue(*conn, side, std::move(close));
  }
  MaybeErase(stream.conn_id_);
}

void SimNetwork::StreamSetListener(SimMessageStream& stream) {
  Connection* conn = FindConn(stream.conn_id_);
  if (!conn || conn->ends[stream.side_].stream != &stream) return;
  Kick(*conn, 1 - stream.side_);
}

void SimNetwork::AbortConnection(Connection& conn, int side, const std::string& local_reason,
                                 const std::string& peer_reason) {
  StreamEnd& me = conn.ends[side];
  StreamEnd& peer = conn.ends[1 - side];
  DiscardItems(conn, 0, Discard::kKeepLocalCloses);
  DiscardItems(conn, 1, Discard::kKeepLocalCloses);
  RecordEvent(conn.dirs[side].subject, "reset " + me.address.ToString() + ": " + local_reason);
  me.state = EndState::kClosing;
  if (me.stream) me.stream->open_ = false;
  StreamItem local;
  local.is_close = true;
  local.needs_link = false;
  local.arrival = Now();
  local.data = local_reason;
  Enqueue(conn, 1 - side, std::move(local));
  if (peer.state == EndState::kOpen || peer.state == EndState::kPending) {
    StreamItem remote;
    remote.is_close = true;
    remote.data = peer_reason;
    Enqueue(conn, side, std::move(remote));
  }
}

void SimNetwork::CutConnection(Connection& conn) {
  DiscardItems(conn, 0, Discard::kKeepLocalCloses);
  DiscardItems(conn, 1, Discard::kKeepLocalCloses);
  RecordEvent(conn.dirs[0].subject,
              "cut " + conn.ends[0].address.ToString() + " <-> " + conn.ends[1].address.ToString());
  for (int side = 0; side < 2; ++side) {
    StreamEnd& e = conn.ends[side];
    if (e.state == EndState::kOpen) {
      e.state = EndState::kClosing;
      if (e.stream) e.stream->open_ = false;
      StreamItem local;
      local.is_close = true;
      local.needs_link = false;
      local.arrival = Now();
      local.data = "cut by network";
      Enqueue(conn, 1 - side, std::move(local));
    } else if (e.state == EndState::kPending) {
      if (side == 0) {
        for (auto& [id, attempt] : attempts_) {
          if (attempt.conn_id == conn.id) attempt.error = "cut by network";
        }
      }
      KillEnd(conn, side);
    }
  }
}

std::size_t SimNetwork::CutStreams(std::string_view host_name) {
  SimHost* h = FindHostOrNull(host_name);
  if (!h) return 0;
  RecordFault(h->trace_subject_, "cut streams " + h->name_);
  std::vector<uint64_t> ids;
  for (auto& [id, conn] : conns_) {
    for (int side = 0; side < 2; ++side) {
      const StreamEnd& e = conn->ends[side];
      if (e.host == h && (e.state == EndState::kOpen || e.state == EndState::kPending)) {
        ids.push_back(id);
        break;
      }
    }
  }
  for (uint64_t id : ids) {
    if (Connection* conn = FindConn(id)) {
      CutConnection(*conn);
      MaybeErase(id);
    }
  }
  return ids.size();
}

bool SimNetwork::CutStream(const MessageStream* stream) {
  auto* s = dynamic_cast<const SimMessageStream*>(stream);
  if (!s || s->network_ != this) return false;
  Connection* conn = FindConn(s->conn_id_);
  if (!conn || conn->ends[s->side_].state != EndState::kOpen) return false;
  RecordFault(conn->dirs[0].subject,
              "cut stream " + conn->ends[0].address.ToString() + " <-> " + conn->ends[1].address.ToString());
  const uint64_t id = conn->id;
  CutConnection(*conn);
  MaybeErase(id);
  return true;
}

void SimNetwork::KickDirectionsTowards(const SimHost& host) {
  // Collected first: Kick may close and erase connections.
  std::vector<std::pair<uint64_t, int>> directions;
  for (auto& [id, conn] : conns_) {
    for (int side = 0; side < 2; ++side) {
      if (conn->ends[side].host == &host) directions.emplace_back(id, 1 - side);
    }
  }
  for (auto [id, d] : directions) {
    if (Connection* conn = FindConn(id)) Kick(*conn, d);
  }
}

// ---------------------------------------------------------------------------------------------
// Host faults

bool SimNetwork::Crash(std::string_view name) {
  SimHost* h = FindHostOrNull(name);
  if (!h || h->state_ == SimHost::State::kDown) return false;
  RecordFault(h->trace_subject_, "crash " + h->name_);
  h->state_ = SimHost::State::kDown;
  ++h->epoch_;
  scheduler_->Cancel(h->resume_event_);
  scheduler_->Cancel(h->drain_event_);
  h->resume_event_ = h->drain_event_ = EventId{};

  for (auto& [port, socket] : h->udp_) socket->Detach();
  h->udp_.clear();
  h->listeners_.clear();
  h->stream_client_ports_.clear();
  while (!h->held_packets_.empty()) {
    uint32_t slot = h->held_packets_.front();
    h->held_packets_.pop_front();
    DropPacket(slot, DropReason::kHostDown);
  }
  h->held_bytes_ = 0;
  h->deferred_.clear();

  for (auto it = attempts_.begin(); it != attempts_.end();) {
    if (it->second.client == h) {
      scheduler_->Cancel(it->second.event);
      it = attempts_.erase(it);
    } else {
      ++it;
    }
  }

  std::vector<uint64_t> ids;
  for (auto& [id, conn] : conns_) {
    if (conn->ends[0].host == h || conn->ends[1].host == h) ids.push_back(id);
  }
  for (uint64_t id : ids) {
    Connection* conn = FindConn(id);
    if (!conn) continue;
    for (int side = 0; side < 2; ++side) {
      StreamEnd& e = conn->ends[side];
      if (e.host != h || e.state == EndState::kDead) continue;
      StreamEnd& peer = conn->ends[1 - side];
      const bool tell_peer = peer.state == EndState::kOpen || peer.state == EndState::kPending;
      KillEnd(*conn, side);
      // What the host had put on the wire still arrives; what waited in its buffers is lost.
      DiscardItems(*conn, side, Discard::kWaiting);
      if (tell_peer) {
        StreamItem close;
        close.is_close = true;
        close.data = "peer crashed";
        Enqueue(*conn, side, std::move(close));
      }
    }
    MaybeErase(id);
  }

  std::vector<SimHost::Listener*> hooks = h->listeners_hooks_;
  for (SimHost::Listener* l : hooks) l->OnCrash(*h);
  return true;
}

bool SimNetwork::Restart(std::string_view name) {
  SimHost* h = FindHostOrNull(name);
  if (!h || h->state_ != SimHost::State::kDown) return false;
  RecordFault(h->trace_subject_, "restart " + h->name_);
  h->state_ = SimHost::State::kUp;
  h->ResetPorts();
  std::vector<SimHost::Listener*> hooks = h->listeners_hooks_;
  for (SimHost::Listener* l : hooks) l->OnRestart(*h);
  return true;
}

bool SimNetwork::Pause(std::string_view name, TimeDelta duration) {
  SimHost* h = FindHostOrNull(name);
  if (!h || h->state_ == SimHost::State::kDown || duration < TimeDelta::Zero()) return false;
  const bool was_paused = h->state_ == SimHost::State::kPaused;
  RecordFault(h->trace_subject_, "pause " + h->name_ + " for " +
                                     (duration.IsPlusInfinity() ? std::string("ever") : MsText(duration)));
  h->state_ = SimHost::State::kPaused;
  scheduler_->Cancel(h->resume_event_);
  scheduler_->Cancel(h->drain_event_);  // a drain not yet run waits for the next resume
  h->resume_event_ = h->drain_event_ = EventId{};
  if (!duration.IsPlusInfinity()) {
    h->resume_event_ = scheduler_->PostDelayed(duration, [this, h] {
      h->resume_event_ = EventId{};
      ResumeNow(*h);
    });
  }
  if (!was_paused) {
    std::vector<SimHost::Listener*> hooks = h->listeners_hooks_;
    for (SimHost::Listener* l : hooks) l->OnPause(*h);
  }
  return true;
}

bool SimNetwork::Resume(std::string_view name) {
  SimHost* h = FindHostOrNull(name);
  if (!h || h->state_ != SimHost::State::kPaused) return false;
  scheduler_->Cancel(h->resume_event_);
  h->resume_event_ = EventId{};
  ResumeNow(*h);
  return true;
}

void SimNetwork::ResumeNow(SimHost& h) {
  RecordFault(h.trace_subject_, "resume " + h.name_);
  h.state_ = SimHost::State::kUp;
  if (!h.held_packets_.empty() || !h.deferred_.empty()) {
    h.drain_event_ = scheduler_->Post([this, hp = &h] { DrainHost(*hp); });
  }
  KickDirectionsTowards(h);
  std::vector<SimHost::Listener*> hooks = h.listeners_hooks_;
  for (SimHost::Listener* l : hooks) l->OnResume(h);
}

void SimNetwork::DrainHost(SimHost& h) {
  h.drain_event_ = EventId{};
  // Stop as soon as a callback pauses or crashes the host again: the rest waits (or is dropped).
  while (h.state_ == SimHost::State::kUp && !h.held_packets_.empty()) {
    uint32_t slot = h.held_packets_.front();
    h.held_packets_.pop_front();
    h.held_bytes_ -= packets_[slot].bytes.size();
    ArriveAtHost(slot);
  }
  while (h.state_ == SimHost::State::kUp && !h.deferred_.empty()) {
    SimHost::Deferred d = h.deferred_.front();
    h.deferred_.pop_front();
    if (d.kind == SimHost::Deferred::Kind::kAccept) {
      Accept(d.id);
    } else {
      OnConnectResult(d.id);
    }
  }
}

}  // namespace sfusim::sim
