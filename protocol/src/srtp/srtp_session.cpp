#include "sfusim/protocol/srtp/srtp_session.h"

#include <srtp2/srtp.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <string>

namespace sfusim::protocol {
namespace {

// libsrtp may write up to this many bytes past an RTCP packet (trailer + SRTCP index).
constexpr size_t kProtectHeadroomBytes = SRTP_MAX_TRAILER_LEN + kSrtcpIndexBytes;

srtp_err_status_t InitLibSrtpOnce() {
  static std::once_flag once;
  static srtp_err_status_t status = srtp_err_status_ok;
  std::call_once(once, [] { status = srtp_init(); });
  return status;
}

srtp_profile_t ToLibSrtp(SrtpProfile profile) {
  return profile == SrtpProfile::kAeadAes128Gcm ? srtp_profile_aead_aes_128_gcm : srtp_profile_aes128_cm_sha1_80;
}

uint32_t ReadU32(const uint8_t* p) {
  return (static_cast<uint32_t>(p[0]) << 24) | (static_cast<uint32_t>(p[1]) << 16) |
         (static_cast<uint32_t>(p[2]) << 8) | p[3];
}

std::string Str(std::string_view s) { return std::string(s); }

// Debian's libsrtp2 runs on NSS, which unloads its crypto module whenever the last SRTP context
// is freed and loads it again (dlopen, self-tests) for the next one: a run that creates and drops
// sessions often (reconnects, the stateful fuzzer's fresh worlds) spent about half its time there.
// One context made from the first successful policy stays alive for the process (reachable from
// this static, so LeakSanitizer does not count it), keeping the module loaded. It never protects
// anything, so no output changes.
void KeepCryptoBackendLoaded(const srtp_policy_t& policy) {
  static srtp_t keeper = nullptr;
  if (keeper != nullptr) return;
  srtp_policy_t copy = policy;
  if (srtp_create(&keeper, &copy) != srtp_err_status_ok) keeper = nullptr;
}

}  // namespace

struct SrtpSession::Impl {
  srtp_t ctx = nullptr;
  SrtpProfile profile = SrtpProfile::kAesCm128HmacSha1_80;
  SrtpDirection direction = SrtpDirection::kOutbound;
  SrtpCounters counters;
  std::vector<uint8_t> key_and_salt;  // kept for the session's life: libsrtp reads it via the policy
  std::vector<uint32_t> ssrcs;        // sorted; SSRCs libsrtp holds a stream for

  ~Impl() {
    if (ctx != nullptr) srtp_dealloc(ctx);
  }

  Error Fail(std::string_view code, std::string message) {
    if (code == kSrtpAuthFailed) {
      ++counters.auth_failures;
    } else if (code == kSrtpReplay) {
      ++counters.replays;
    } else if (code == kSrtpBadPacket) {
      ++counters.bad_packets;
    } else {
      ++counters.other_errors;
    }
    return MakeError(Str(code), std::move(message));
  }

  Error FromLibSrtp(srtp_err_status_t status, std::string_view what) {
    const std::string tail = " (libsrtp status " + std::to_string(static_cast<int>(status)) + ")";
    switch (status) {
      case srtp_err_status_auth_fail:
        return Fail(kSrtpAuthFailed, Str(what) + ": authentication tag mismatch" + tail);
      case srtp_err_status_replay_fail:
      case srtp_err_status_replay_old:
      case srtp_err_status_pkt_idx_old:
        return Fail(kSrtpReplay, Str(what) + ": packet index already seen or older than the replay window" + tail);
      case srtp_err_status_bad_param:
      case srtp_err_status_parse_err:
      case srtp_err_status_cant_check:  // SRTCP E flag disagrees with the policy
      case srtp_err_status_no_ctx:
        return Fail(kSrtpBadPacket, Str(what) + ": malformed packet" + tail);
      default:
        return Fail(kSrtpFailed, Str(what) + ": libsrtp failure" + tail);
    }
  }

  bool KnowsSsrc(uint32_t ssrc) const { return std::binary_search(ssrcs.begin(), ssrcs.end(), ssrc); }
  void RememberSsrc(uint32_t ssrc) {
    auto it = std::lower_bound(ssrcs.begin(), ssrcs.end(), ssrc);
    if (it == ssrcs.end() || *it != ssrc) ssrcs.insert(it, ssrc);
  }

  // Checks that `bytes` hold an RTP header (fixed part, CSRCs, extension) followed by at least
  // `trailer` bytes, so libsrtp never reads past the end.
  Status CheckRtp(const std::vector<uint8_t>& bytes, size_t trailer, std::string_view what) {
    const size_t n = bytes.size();
    if (n < kRtpFixedHeaderBytes + trailer) {
      return Fail(kSrtpBadPacket, Str(what) + ": " + std::to_string(n) + " bytes, need at least " +
                                      std::to_string(kRtpFixedHeaderBytes + trailer));
    }
    if ((bytes[0] >> 6) != 2) {
      return Fail(kSrtpBadPacket, Str(what) + ": byte 0: RTP version " + std::to_string(bytes[0] >> 6) + ", expected 2");
    }
    size_t header = kRtpFixedHeaderBytes + 4 * static_cast<size_t>(bytes[0] & 0x0f);
    if ((bytes[0] & 0x10) != 0) {
      if (header + 4 > n - trailer) {
        return Fail(kSrtpBadPacket, Str(what) + ": byte " + std::to_string(header) + ": header extension truncated");
      }
      header += 4 + 4 * ((static_cast<size_t>(bytes[header + 2]) << 8) | bytes[header + 3]);
    }
    if (header > n - trailer) {
      return Fail(kSrtpBadPacket, Str(what) + ": RTP header is " + std::to_string(header) + " bytes but only " +
                                      std::to_string(n - trailer) + " precede the trailer");
    }
    return Ok{};
  }

  Status CheckRtcp(const std::vector<uint8_t>& bytes, size_t trailer, std::string_view what) {
    const size_t n = bytes.size();
    if (n < kRtcpFixedHeaderBytes + trailer) {
      return Fail(kSrtpBadPacket, Str(what) + ": " + std::to_string(n) + " bytes, need at least " +
                                      std::to_string(kRtcpFixedHeaderBytes + trailer));
    }
    if ((bytes[0] >> 6) != 2) {
      return Fail(kSrtpBadPacket, Str(what) + ": byte 0: RTCP version " + std::to_string(bytes[0] >> 6) + ", expected 2");
    }
    return Ok{};
  }

  Status CheckStreamLimit(uint32_t ssrc, std::string_view what) {
    if (!KnowsSsrc(ssrc) && ssrcs.size() >= kMaxSrtpStreams) {
      return Fail(kSrtpTooManyStreams, Str(what) + ": SSRC " + std::to_string(ssrc) + " would be stream " +
                                           std::to_string(ssrcs.size() + 1) + ", limit " + std::to_string(kMaxSrtpStreams));
    }
    return Ok{};
  }

  Status CheckDirection(SrtpDirection wanted, std::string_view what) {
    if (direction != wanted) {
      return Fail(kSrtpWrongDirection, Str(what) + ": this session is " +
                                           (direction == SrtpDirection::kOutbound ? "outbound" : "inbound"));
    }
    return Ok{};
  }

  enum class Kind { kRtp, kRtcp };

  Status Protect(std::vector<uint8_t>& packet, Kind kind) {
    const std::string_view what = kind == Kind::kRtp ? "protect RTP" : "protect RTCP";
    if (Status s = CheckDirection(SrtpDirection::kOutbound, what); !s) return s;
    const size_t overhead = kind == Kind::kRtp ? SrtpRtpOverheadBytes(profile) : SrtpRtcpOverheadBytes(profile);
    if (packet.size() + overhead > kMaxSrtpPacketBytes) {
      return Fail(kSrtpBadPacket, Str(what) + ": " + std::to_string(packet.size()) + " bytes, limit " +
                                      std::to_string(kMaxSrtpPacketBytes - overhead));
    }
    if (Status s = kind == Kind::kRtp ? CheckRtp(packet, 0, what) : CheckRtcp(packet, 0, what); !s) return s;
    const uint32_t ssrc = ReadU32(packet.data() + (kind == Kind::kRtp ? 8 : 4));
    if (Status s = CheckStreamLimit(ssrc, what); !s) return s;

    const size_t original = packet.size();
    packet.resize(original + kProtectHeadroomBytes);
    int len = static_cast<int>(original);
    const srtp_err_status_t st = kind == Kind::kRtp ? srtp_protect(ctx, packet.data(), &len)
                                                    : srtp_protect_rtcp(ctx, packet.data(), &len);
    if (st != srtp_err_status_ok || len < 0 || static_cast<size_t>(len) > packet.size()) {
      packet.resize(original);
      return FromLibSrtp(st == srtp_err_status_ok ? srtp_err_status_fail : st, what);
    }
    packet.resize(static_cast<size_t>(len));
    RememberSsrc(ssrc);
    ++(kind == Kind::kRtp ? counters.rtp_ok : counters.rtcp_ok);
    return Ok{};
  }

  Status Unprotect(std::vector<uint8_t>& packet, Kind kind) {
    const std::string_view what = kind == Kind::kRtp ? "unprotect SRTP" : "unprotect SRTCP";
    if (Status s = CheckDirection(SrtpDirection::kInbound, what); !s) return s;
    if (packet.size() > kMaxSrtpPacketBytes) {
      return Fail(kSrtpBadPacket, Str(what) + ": " + std::to_string(packet.size()) + " bytes, limit " +
                                      std::to_string(kMaxSrtpPacketBytes));
    }
    const size_t trailer = kind == Kind::kRtp ? SrtpRtpOverheadBytes(profile) : SrtpRtcpOverheadBytes(profile);
    if (Status s = kind == Kind::kRtp ? CheckRtp(packet, trailer, what) : CheckRtcp(packet, trailer, what); !s) return s;
    const uint32_t ssrc = ReadU32(packet.data() + (kind == Kind::kRtp ? 8 : 4));
    if (Status s = CheckStreamLimit(ssrc, what); !s) return s;

    const size_t original = packet.size();
    int len = static_cast<int>(original);
    const srtp_err_status_t st = kind == Kind::kRtp ? srtp_unprotect(ctx, packet.data(), &len)
                                                    : srtp_unprotect_rtcp(ctx, packet.data(), &len);
    if (st != srtp_err_status_ok || len < 0 || static_cast<size_t>(len) > original) {
      return FromLibSrtp(st == srtp_err_status_ok ? srtp_err_status_fail : st, what);
    }
    packet.resize(static_cast<size_t>(len));
    RememberSsrc(ssrc);
    ++(kind == Kind::kRtp ? counters.rtp_ok : counters.rtcp_ok);
    return Ok{};
  }
};

Result<SrtpSession> SrtpSession::Create(const SrtpSessionConfig& config) {
  const size_t key_len = SrtpMasterKeyBytes(config.profile);
  const size_t salt_len = SrtpMasterSaltBytes(config.profile);
  if (config.master.key.size() != key_len || config.master.salt.size() != salt_len) {
    return MakeError(Str(kSrtpBadKey), "master key/salt are " + std::to_string(config.master.key.size()) + "/" +
                                           std::to_string(config.master.salt.size()) + " bytes; " +
                                           std::string(SrtpProfileName(config.profile)) + " needs " +
                                           std::to_string(key_len) + "/" + std::to_string(salt_len));
  }
  if (const srtp_err_status_t st = InitLibSrtpOnce(); st != srtp_err_status_ok) {
    return MakeError(Str(kSrtpInitFailed), "srtp_init failed (libsrtp status " + std::to_string(static_cast<int>(st)) + ")");
  }

  auto impl = std::make_unique<Impl>();
  impl->profile = config.profile;
  impl->direction = config.direction;
  impl->key_and_salt = config.master.key;
  impl->key_and_salt.insert(impl->key_and_salt.end(), config.master.salt.begin(), config.master.salt.end());

  srtp_policy_t policy;
  std::memset(&policy, 0, sizeof(policy));
  const std::string profile_name(SrtpProfileName(config.profile));
  if (srtp_crypto_policy_set_from_profile_for_rtp(&policy.rtp, ToLibSrtp(config.profile)) != srtp_err_status_ok ||
      srtp_crypto_policy_set_from_profile_for_rtcp(&policy.rtcp, ToLibSrtp(config.profile)) != srtp_err_status_ok) {
    return MakeError(Str(kSrtpProfileUnsupported), profile_name + " is not supported by this libsrtp2 build");
  }
  policy.ssrc.type = config.direction == SrtpDirection::kOutbound ? ssrc_any_outbound : ssrc_any_inbound;
  policy.key = impl->key_and_salt.data();
  policy.window_size = kSrtpReplayWindowPackets;
  // The sender may protect a stored packet again for a NACK retransmission (same payload).
  policy.allow_repeat_tx = config.direction == SrtpDirection::kOutbound ? 1 : 0;
  policy.next = nullptr;

  const srtp_err_status_t st = srtp_create(&impl->ctx, &policy);
  if (st != srtp_err_status_ok) {
    impl->ctx = nullptr;
    // A crypto backend without the cipher (e.g. a build without GCM) fails here, not earlier.
    const bool unsupported = st == srtp_err_status_bad_param || st == srtp_err_status_cipher_fail ||
                             st == srtp_err_status_alloc_fail || st == srtp_err_status_init_fail;
    return MakeError(Str(unsupported ? kSrtpProfileUnsupported : kSrtpFailed),
                     "srtp_create for " + profile_name + " failed (libsrtp status " +
                         std::to_string(static_cast<int>(st)) + ")");
  }
  KeepCryptoBackendLoaded(policy);
  return SrtpSession(std::move(impl));
}

SrtpSession::SrtpSession(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SrtpSession::SrtpSession(SrtpSession&&) noexcept = default;
SrtpSession& SrtpSession::operator=(SrtpSession&&) noexcept = default;
SrtpSession::~SrtpSession() = default;

Status SrtpSession::ProtectRtp(std::vector<uint8_t>& packet) { return impl_->Protect(packet, Impl::Kind::kRtp); }
Status SrtpSession::UnprotectRtp(std::vector<uint8_t>& packet) { return impl_->Unprotect(packet, Impl::Kind::kRtp); }
Status SrtpSession::ProtectRtcp(std::vector<uint8_t>& packet) { return impl_->Protect(packet, Impl::Kind::kRtcp); }
Status SrtpSession::UnprotectRtcp(std::vector<uint8_t>& packet) { return impl_->Unprotect(packet, Impl::Kind::kRtcp); }

SrtpProfile SrtpSession::profile() const { return impl_->profile; }
SrtpDirection SrtpSession::direction() const { return impl_->direction; }
const SrtpCounters& SrtpSession::counters() const { return impl_->counters; }

}  // namespace sfusim::protocol
