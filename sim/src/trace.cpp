#include "sfusim/sim/trace.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <cstdio>

namespace sfusim::sim {
namespace {

inline uint64_t Mix(uint64_t h, uint64_t v) {
  h ^= v;
  h *= 0x100000001b3ULL;
  h ^= h >> 29;
  h *= 0xbf58476d1ce4e5b9ULL;
  return h ^ (h >> 32);
}

void WriteJsonString(std::ostream& out, std::string_view s) {
  out << '"';
  for (char c : s) {
    switch (c) {
      case '"': out << "\\\""; break;
      case '\\': out << "\\\\"; break;
      case '\n': out << "\\n"; break;
      case '\t': out << "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out << buf;
        } else {
          out << c;
        }
    }
  }
  out << '"';
}

}  // namespace

const char* ToString(TraceKind kind) {
  switch (kind) {
    case TraceKind::kSend: return "send";
    case TraceKind::kDeliver: return "deliver";
    case TraceKind::kDrop: return "drop";
    case TraceKind::kFault: return "fault";
    case TraceKind::kEvent: return "event";
  }
  return "?";
}

const char* ToString(DropReason reason) {
  switch (reason) {
    case DropReason::kNone: return "none";
    case DropReason::kLoss: return "loss";
    case DropReason::kQueueFull: return "queue_full";
    case DropReason::kMtu: return "mtu";
    case DropReason::kLinkDown: return "link_down";
    case DropReason::kNoRoute: return "no_route";
    case DropReason::kHostDown: return "host_down";
    case DropReason::kNoSocket: return "no_socket";
    case DropReason::kCount: break;
  }
  return "?";
}

uint64_t Trace::HashBytes(const uint8_t* data, std::size_t size) {
  // Little-endian 8-byte words (loaded with memcpy; byte-swapped on a big-endian host so the hash
  // is the same everywhere). Called once per packet: keep it cheap.
  uint64_t h = 0xcbf29ce484222325ULL ^ size;
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    uint64_t w;
    std::memcpy(&w, data + i, 8);
    if constexpr (std::endian::native == std::endian::big) w = __builtin_bswap64(w);
    h = Mix(h, w);
  }
  uint64_t tail = 0;
  for (int k = 0; i < size; ++i, ++k) tail |= uint64_t{data[i]} << (8 * k);
  return Mix(h, tail);
}

uint32_t Trace::Intern(std::string_view name) {
  auto it = name_ids_.find(name);
  if (it != name_ids_.end()) return it->second;
  uint32_t id = static_cast<uint32_t>(names_.size());
  names_.emplace_back(name);
  name_hashes_.push_back(HashBytes(reinterpret_cast<const uint8_t*>(name.data()), name.size()));
  name_ids_.emplace(std::string(name), id);
  return id;
}

void Trace::Fold(const TraceRecord& r) {
  uint64_t h = Mix(hash_, static_cast<uint64_t>(r.at.us()));
  h = Mix(h, (uint64_t{static_cast<uint8_t>(r.kind)} << 8) | static_cast<uint8_t>(r.reason));
  h = Mix(h, name_hashes_[r.subject]);
  h = Mix(h, r.size);
  h = Mix(h, r.detail);
  if (r.text != UINT32_MAX) {
    const std::string& t = texts_[r.text];
    h = Mix(h, HashBytes(reinterpret_cast<const uint8_t*>(t.data()), t.size()));
  }
  hash_ = h;
  ++count_;
  if (records_.size() < max_records_) {
    records_.push_back(r);
    hashes_.push_back(h);
  }
}

void Trace::Record(Timestamp at, TraceKind kind, uint32_t subject, uint32_t size, uint64_t detail,
                   DropReason reason) {
  Fold(TraceRecord{at, kind, reason, subject, size, detail, UINT32_MAX});
}

void Trace::RecordText(Timestamp at, TraceKind kind, uint32_t subject, std::string_view text, uint64_t detail) {
  uint32_t idx = static_cast<uint32_t>(texts_.size());
  texts_.emplace_back(text);
  Fold(TraceRecord{at, kind, DropReason::kNone, subject, 0, detail, idx});
}

std::string Trace::Describe(const TraceRecord& r) const {
  char buf[96];
  std::snprintf(buf, sizeof buf, "t=%.6f s %s ", r.at.seconds(), ToString(r.kind));
  std::string s = buf;
  s += names_[r.subject];
  if (r.kind == TraceKind::kDrop) s += std::string(" reason=") + ToString(r.reason);
  if (r.size) s += " size=" + std::to_string(r.size);
  if (r.detail) s += " detail=" + std::to_string(r.detail);
  if (r.text != UINT32_MAX) s += " \"" + texts_[r.text] + "\"";
  return s;
}

void Trace::WriteJsonLines(std::ostream& out) const {
  for (std::size_t i = 0; i < records_.size(); ++i) {
    const TraceRecord& r = records_[i];
    out << "{\"t_us\":" << r.at.us() << ",\"kind\":\"" << ToString(r.kind) << "\",\"subject\":";
    WriteJsonString(out, names_[r.subject]);
    if (r.kind == TraceKind::kDrop) out << ",\"reason\":\"" << ToString(r.reason) << '"';
    if (r.size) out << ",\"size\":" << r.size;
    if (r.detail) out << ",\"detail\":" << r.detail;
    if (r.text != UINT32_MAX) {
      out << ",\"text\":";
      WriteJsonString(out, texts_[r.text]);
    }
    char hb[24];
    std::snprintf(hb, sizeof hb, "%016llx", static_cast<unsigned long long>(hashes_[i]));
    out << ",\"hash\":\"" << hb << "\"}\n";
  }
}

std::optional<TraceDivergence> FirstDivergence(const Trace& a, const Trace& b) {
  std::size_t n = std::min(a.records().size(), b.records().size());
  for (std::size_t i = 0; i < n; ++i) {
    if (a.HashAfter(i) != b.HashAfter(i)) {
      return TraceDivergence{i, std::min(a.records()[i].at, b.records()[i].at), a.Describe(a.records()[i]),
                             b.Describe(b.records()[i])};
    }
  }
  if (a.record_count() == b.record_count() && a.trace_hash() == b.trace_hash()) return std::nullopt;
  if (a.records().size() != b.records().size()) {
    const Trace& longer = a.records().size() > b.records().size() ? a : b;
    TraceDivergence d{n, longer.records()[n].at, "", ""};
    (a.records().size() > n ? d.left : d.right) = longer.Describe(longer.records()[n]);
    (a.records().size() > n ? d.right : d.left) = "(trace ended)";
    return d;
  }
  // Both truncated at the same stored length and differing only beyond it.
  return TraceDivergence{n, Timestamp::Zero(), "(beyond stored records)", "(beyond stored records)"};
}

}  // namespace sfusim::sim
