// Trace: the ordered record of everything that happened in a run (DESIGN.md rule 6).
//
// Every packet send/deliver/drop, every fault and every notable component event is one record.
// A running 64-bit hash folds each record in order; trace_hash() is available at any time, and the
// hash after every record is kept, so two runs can be compared record by record and the first
// divergence named (FirstDivergence). Records hold interned subject names and a 64-bit detail
// (a payload hash, a value) plus an optional text; hashing uses the names' text, never ids or
// addresses, so the hash depends only on what happened.
//
// Memory: a record is ~40 bytes; a 60 s, 6-party video call is a few million records at most.
// A bound (max_records) keeps runaway runs from exhausting memory: past it, records still fold into
// the hash but are no longer stored, and truncated() says so.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "sfusim/sim/timestamp.h"

namespace sfusim::sim {

enum class TraceKind : uint8_t { kSend, kDeliver, kDrop, kFault, kEvent };

// Why a packet did not arrive. Every drop is counted by reason (links, hosts and sockets).
enum class DropReason : uint8_t {
  kNone = 0,
  kLoss,          // random loss (Bernoulli or Gilbert-Elliott)
  kQueueFull,     // drop-tail queue over its byte or time bound
  kMtu,           // larger than the link MTU
  kLinkDown,      // partition
  kNoRoute,       // no link between the hosts
  kHostDown,      // sender or receiver crashed / paused-and-dropped
  kNoSocket,      // nothing bound to the destination port
  kCount
};
const char* ToString(TraceKind kind);
const char* ToString(DropReason reason);

struct TraceRecord {
  Timestamp at;
  TraceKind kind = TraceKind::kEvent;
  DropReason reason = DropReason::kNone;
  uint32_t subject = 0;  // interned name: a link ("alice->sfu"), a host, a component
  uint32_t size = 0;     // bytes, for packets
  uint64_t detail = 0;   // payload hash for packets; a value for events
  uint32_t text = UINT32_MAX;  // index into texts, or none
};

class Trace {
 public:
  static constexpr std::size_t kDefaultMaxRecords = 20'000'000;
  explicit Trace(std::size_t max_records = kDefaultMaxRecords) : max_records_(max_records) {}

  uint32_t Intern(std::string_view name);
  const std::string& Name(uint32_t id) const { return names_[id]; }

  void Record(Timestamp at, TraceKind kind, uint32_t subject, uint32_t size = 0, uint64_t detail = 0,
              DropReason reason = DropReason::kNone);
  void RecordText(Timestamp at, TraceKind kind, uint32_t subject, std::string_view text, uint64_t detail = 0);

  uint64_t trace_hash() const { return hash_; }
  uint64_t record_count() const { return count_; }
  bool truncated() const { return count_ > records_.size(); }
  const std::vector<TraceRecord>& records() const { return records_; }
  // Running hash after record i (i < records().size()).
  uint64_t HashAfter(std::size_t i) const { return hashes_[i]; }

  std::string Describe(const TraceRecord& r) const;
  // One JSON object per line: {"t_us":..,"kind":"drop","subject":"alice->sfu","size":..,...}
  void WriteJsonLines(std::ostream& out) const;

  static uint64_t HashBytes(const uint8_t* data, std::size_t size);

 private:
  void Fold(const TraceRecord& r);

  std::size_t max_records_;
  std::vector<TraceRecord> records_;
  std::vector<uint64_t> hashes_;
  std::vector<std::string> names_;
  std::vector<uint64_t> name_hashes_;
  std::map<std::string, uint32_t, std::less<>> name_ids_;
  std::vector<std::string> texts_;
  uint64_t hash_ = 0xcbf29ce484222325ULL;
  uint64_t count_ = 0;
};

// Where two traces first differ: the record index and a description of each side's record there.
struct TraceDivergence {
  std::size_t index = 0;
  Timestamp at;
  std::string left;
  std::string right;
};
std::optional<TraceDivergence> FirstDivergence(const Trace& a, const Trace& b);

}  // namespace sfusim::sim
