// SrtpSession: one direction of SRTP + SRTCP (RFC 3711) for one transport, backed by libsrtp2.
//
//  SRTP packet (RFC 3711 section 3.1):
//     0                   1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+<+
//    |V=2|P|X|  CC   |M|     PT      |       sequence number         | |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |
//    |                           timestamp                           | |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |
//    |           synchronization source (SSRC) identifier            | |
//    +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+ |
//    |            contributing source (CSRC) identifiers             | |
//    |                               ....                            | |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |
//    |                   RTP extension (OPTIONAL)                    | |
//  +>+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |
//  | |                          payload  ...                         | |
//  | |                               +-------------------------------+ |
//  | |                               | RTP padding   | RTP pad count | |
//  +>+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+<+
//  | :                    authentication tag (RECOMMENDED)           : |
//  | +- - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - -+ |
//  +- Encrypted Portion                       Authenticated Portion ---+
//  SRTCP (section 3.4) appends |E| 31-bit SRTCP index| before the tag; the tag is 10 bytes for
//  AES_CM_128_HMAC_SHA1_80 and 16 bytes (GCM's own tag) for AEAD_AES_128_GCM. No MKI is used.
//
// Contract:
// - A session is one direction: kOutbound only protects, kInbound only unprotects (the other
//   calls fail with "srtp_wrong_direction"). It covers RTP and RTCP for every SSRC of that
//   direction (libsrtp wildcard policy), up to kMaxSrtpStreams distinct SSRCs.
// - Protect/Unprotect work in place on a std::vector<uint8_t>: protect grows it by the tag
//   (and SRTCP index), unprotect shrinks it. On error the vector's contents are unspecified
//   (libsrtp may have decrypted part of it) but its size is restored, and nothing crashes:
//   lengths and RTP/RTCP header structure are checked here before libsrtp sees the bytes.
// - Errors have stable codes (constants below) and each is counted in counters().
// - Inbound replay protection uses a kSrtpReplayWindowPackets window. Outbound allows the
//   same sequence number to be protected again (a NACK retransmission of a stored packet).
// - libsrtp2 is initialised once per process (std::call_once); libsrtp2 stays out of this header.
// - A session is move-only; a moved-from session must not be used again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "sfusim/protocol/result.h"
#include "sfusim/protocol/srtp/srtp_key_derivation.h"
#include "sfusim/protocol/srtp/srtp_profile.h"

namespace sfusim::protocol {

inline constexpr std::string_view kSrtpAuthFailed = "srtp_auth_failed";    // tag check failed
inline constexpr std::string_view kSrtpReplay = "srtp_replay";             // index seen before / too old
inline constexpr std::string_view kSrtpBadPacket = "srtp_bad_packet";      // not a (S)RTP/(S)RTCP packet
inline constexpr std::string_view kSrtpWrongDirection = "srtp_wrong_direction";
inline constexpr std::string_view kSrtpTooManyStreams = "srtp_too_many_streams";
inline constexpr std::string_view kSrtpBadKey = "srtp_bad_key";            // key/salt length wrong
inline constexpr std::string_view kSrtpProfileUnsupported = "srtp_profile_unsupported";
inline constexpr std::string_view kSrtpInitFailed = "srtp_init_failed";
inline constexpr std::string_view kSrtpFailed = "srtp_failed";             // any other libsrtp failure

// libwebrtc's receive-side window; packets reordered by more than this are reported as replays.
inline constexpr uint32_t kSrtpReplayWindowPackets = 1024;
// Distinct SSRCs (RTP senders + RTCP senders) one session keeps state for.
inline constexpr size_t kMaxSrtpStreams = 1024;
// Largest packet accepted: an IPv4 UDP datagram's payload.
inline constexpr size_t kMaxSrtpPacketBytes = 65507;
inline constexpr size_t kRtpFixedHeaderBytes = 12;
inline constexpr size_t kRtcpFixedHeaderBytes = 8;

enum class SrtpDirection : uint8_t { kOutbound, kInbound };

struct SrtpSessionConfig {
  SrtpProfile profile = SrtpProfile::kAesCm128HmacSha1_80;
  SrtpDirection direction = SrtpDirection::kOutbound;
  SrtpMasterKey master;  // key: 16 bytes; salt: 14 (AES-CM) or 12 (GCM) bytes
};

struct SrtpCounters {
  uint64_t rtp_ok = 0;   // RTP packets protected (outbound) or unprotected (inbound)
  uint64_t rtcp_ok = 0;  // RTCP likewise
  uint64_t auth_failures = 0;
  uint64_t replays = 0;
  uint64_t bad_packets = 0;
  uint64_t other_errors = 0;  // wrong direction, too many streams, other libsrtp failures
};

class SrtpSession {
 public:
  // Errors: kSrtpBadKey, kSrtpProfileUnsupported (this libsrtp2 build lacks the cipher),
  // kSrtpInitFailed, kSrtpFailed.
  static Result<SrtpSession> Create(const SrtpSessionConfig& config);

  SrtpSession(SrtpSession&&) noexcept;
  SrtpSession& operator=(SrtpSession&&) noexcept;
  SrtpSession(const SrtpSession&) = delete;
  SrtpSession& operator=(const SrtpSession&) = delete;
  ~SrtpSession();

  Status ProtectRtp(std::vector<uint8_t>& packet);
  Status UnprotectRtp(std::vector<uint8_t>& packet);
  Status ProtectRtcp(std::vector<uint8_t>& packet);
  Status UnprotectRtcp(std::vector<uint8_t>& packet);

  SrtpProfile profile() const;
  SrtpDirection direction() const;
  const SrtpCounters& counters() const;

 private:
  struct Impl;
  explicit SrtpSession(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sfusim::protocol
