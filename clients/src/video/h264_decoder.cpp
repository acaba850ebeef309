#include "sfusim/clients/video/h264_decoder.h"

#include <wels/codec_api.h>

#include <cstring>
#include <string>

#include "sfusim/clients/video/codec_time.h"
#include "sfusim/clients/video/video_receive_constants.h"

namespace sfusim::clients {

protocol::Result<std::unique_ptr<H264Decoder>> H264Decoder::Create() {
  CodecTime::Scope timed(CodecCall::kSetup);
  ISVCDecoder* raw = nullptr;
  if (WelsCreateDecoder(&raw) != 0 || raw == nullptr) {
    return protocol::Error{"h264_decoder_init_failed", "WelsCreateDecoder failed"};
  }
  // Owned from here on, so every error path below destroys it.
  std::unique_ptr<H264Decoder> decoder(new H264Decoder(raw));
  int trace = WELS_LOG_QUIET;
  raw->SetOption(DECODER_OPTION_TRACE_LEVEL, &trace);
  SDecodingParam param;
  std::memset(&param, 0, sizeof(param));
  param.sVideoProperty.eVideoBsType = VIDEO_BITSTREAM_AVC;
  param.eEcActiveIdc = ERROR_CON_DISABLE;
  param.bParseOnly = false;
  if (raw->Initialize(&param) != 0) {
    return protocol::Error{"h264_decoder_init_failed", "ISVCDecoder::Initialize failed"};
  }
  // Concealment off: a frame with a missing reference must fail, not come out smeared.
  int ec = ERROR_CON_DISABLE;
  if (raw->SetOption(DECODER_OPTION_ERROR_CON_IDC, &ec) != 0) {
    return protocol::Error{"h264_decoder_init_failed", "DECODER_OPTION_ERROR_CON_IDC rejected"};
  }
  return decoder;
}

H264Decoder::~H264Decoder() {
  if (decoder_) {
    CodecTime::Scope timed(CodecCall::kSetup);
    decoder_->Uninitialize();
    WelsDestroyDecoder(decoder_);
  }
}

protocol::Result<std::optional<I420Frame>> H264Decoder::Decode(std::span<const uint8_t> annex_b) {
  I420Frame frame;
  auto written = DecodeInto(annex_b, &frame);
  if (!written.ok()) return written.error();
  if (!*written) return std::optional<I420Frame>{};
  return std::optional<I420Frame>(std::move(frame));
}

protocol::Result<std::optional<I420View>> H264Decoder::DecodeView(std::span<const uint8_t> annex_b) {
  if (annex_b.empty()) return protocol::Error{"invalid_argument", "annex_b: empty access unit"};
  if (annex_b.size() > kVideoMaxAccessUnitBytes) {
    std::string message = "annex_b: ";
    message += std::to_string(annex_b.size());
    message += " bytes > kVideoMaxAccessUnitBytes";
    return protocol::Error{"invalid_argument", std::move(message)};
  }
  unsigned char* planes[3] = {nullptr, nullptr, nullptr};
  SBufferInfo info;
  std::memset(&info, 0, sizeof(info));
  DECODING_STATE state;
  {
    CodecTime::Scope timed(CodecCall::kH264Decode);
    state = decoder_->DecodeFrameNoDelay(annex_b.data(), static_cast<int>(annex_b.size()), planes, &info);
  }
  if (state != dsErrorFree) {
    ++errors_;
    std::string message = "DecodeFrameNoDelay: DECODING_STATE bits ";
    message += std::to_string(static_cast<int>(state));
    return protocol::Error{"h264_decode_failed", std::move(message)};
  }
  if (info.iBufferStatus != 1) return std::optional<I420View>{};
  const int w = info.UsrData.sSystemBuffer.iWidth;
  const int h = info.UsrData.sSystemBuffer.iHeight;
  const int y_stride = info.UsrData.sSystemBuffer.iStride[0];
  const int c_stride = info.UsrData.sSystemBuffer.iStride[1];
  if (!I420Frame::IsValidSize(w, h) || planes[0] == nullptr || planes[1] == nullptr || planes[2] == nullptr ||
      y_stride < w || c_stride < w / 2) {
    ++errors_;
    std::string message = "decoded picture ";
    message += std::to_string(w);
    message += 'x';
    message += std::to_string(h);
    message += " unusable";
    return protocol::Error{"h264_bad_picture", std::move(message)};
  }
  ++frames_decoded_;
  return std::optional<I420View>(I420View{w, h, planes[0], planes[1], planes[2], y_stride, c_stride});
}

protocol::Result<bool> H264Decoder::DecodeInto(std::span<const uint8_t> annex_b, I420Frame* out) {
  if (out == nullptr) return protocol::Error{"invalid_argument", "out: null"};
  auto decoded = DecodeView(annex_b);
  if (!decoded.ok()) return decoded.error();
  if (!decoded->has_value()) return false;
  const I420View& view = **decoded;
  const int w = view.width, h = view.height;
  I420Frame& frame = *out;
  frame.Resize(w, h);
  for (int row = 0; row < h; ++row) {
    std::memcpy(frame.y.data() + static_cast<size_t>(row) * w, view.y + static_cast<ptrdiff_t>(row) * view.y_stride,
                static_cast<size_t>(w));
  }
  const int cw = w / 2;
  for (int row = 0; row < h / 2; ++row) {
    std::memcpy(frame.u.data() + static_cast<size_t>(row) * cw, view.u + static_cast<ptrdiff_t>(row) * view.c_stride,
                static_cast<size_t>(cw));
    std::memcpy(frame.v.data() + static_cast<size_t>(row) * cw, view.v + static_cast<ptrdiff_t>(row) * view.c_stride,
                static_cast<size_t>(cw));
  }
  return true;
}

}  // namespace sfusim::clients
