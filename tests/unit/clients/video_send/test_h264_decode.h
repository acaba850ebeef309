// Test helper: decodes Annex-B access units with OpenH264's decoder directly (the send-side tests
// must not depend on the receive side's H264Decoder). Error concealment off, one picture out per
// complete access unit.
#pragma once

#include <wels/codec_api.h>

#include <cstdint>
#include <cstring>
#include <optional>
#include <span>

#include "sfusim/clients/video/i420_frame.h"

namespace sfusim::clients::test {

class TestH264Decoder {
 public:
  TestH264Decoder() {
    if (WelsCreateDecoder(&decoder_) != 0) decoder_ = nullptr;
    if (decoder_ == nullptr) return;
    int trace = WELS_LOG_QUIET;
    decoder_->SetOption(DECODER_OPTION_TRACE_LEVEL, &trace);
    SDecodingParam param;
    std::memset(&param, 0, sizeof(param));
    param.eEcActiveIdc = ERROR_CON_DISABLE;
    param.sVideoProperty.eVideoBsType = VIDEO_BITSTREAM_AVC;
    if (decoder_->Initialize(&param) != 0) {
      WelsDestroyDecoder(decoder_);
      decoder_ = nullptr;
    }
  }
  ~TestH264Decoder() {
    if (decoder_ != nullptr) {
      decoder_->Uninitialize();
      WelsDestroyDecoder(decoder_);
    }
  }
  TestH264Decoder(const TestH264Decoder&) = delete;
  TestH264Decoder& operator=(const TestH264Decoder&) = delete;

  bool ok() const { return decoder_ != nullptr; }

  // The decoded picture, nullopt if none came out (or the decode failed).
  std::optional<I420Frame> Decode(std::span<const uint8_t> annex_b) {
    if (decoder_ == nullptr || annex_b.empty()) return std::nullopt;
    unsigned char* planes[3] = {nullptr, nullptr, nullptr};
    SBufferInfo info;
    std::memset(&info, 0, sizeof(info));
    const DECODING_STATE st =
        decoder_->DecodeFrameNoDelay(annex_b.data(), static_cast<int>(annex_b.size()), planes, &info);
    if (st != dsErrorFree || info.iBufferStatus != 1) return std::nullopt;
    const int w = info.UsrData.sSystemBuffer.iWidth;
    const int h = info.UsrData.sSystemBuffer.iHeight;
    const int ys = info.UsrData.sSystemBuffer.iStride[0];
    const int cs = info.UsrData.sSystemBuffer.iStride[1];
    I420Frame f;
    f.Resize(w, h);
    for (int y = 0; y < h; ++y) std::memcpy(f.y.data() + y * w, planes[0] + y * ys, static_cast<size_t>(w));
    for (int y = 0; y < h / 2; ++y) {
      std::memcpy(f.u.data() + y * (w / 2), planes[1] + y * cs, static_cast<size_t>(w / 2));
      std::memcpy(f.v.data() + y * (w / 2), planes[2] + y * cs, static_cast<size_t>(w / 2));
    }
    return f;
  }

 private:
  ISVCDecoder* decoder_ = nullptr;
};

}  // namespace sfusim::clients::test
