#include "sfusim/clients/video/h264_encoder.h"

#include <wels/codec_api.h>

#include <cstring>
#include <string>

#include "sfusim/clients/video/codec_time.h"
#include "sfusim/clients/video/video_constants.h"

namespace sfusim::clients {
namespace {


protocol::Status Validate(const H264EncoderConfig& c) {
  if (!I420Frame::IsValidSize(c.width, c.height)) {
    return protocol::MakeError("invalid_argument", "h264 encoder: size " + std::to_string(c.width) + "x" +
                                                       std::to_string(c.height) + " is not even or out of range");
  }
  if (c.fps < kVideoMinFps || c.fps > kVideoMaxFps) {
    return protocol::MakeError("invalid_argument", "h264 encoder: fps " + std::to_string(c.fps) + " out of range");
  }
  if (c.bitrate_bps < kVideoMinBitrateBps || c.bitrate_bps > kVideoMaxBitrateBps) {
    return protocol::MakeError("invalid_argument",
                               "h264 encoder: bitrate_bps " + std::to_string(c.bitrate_bps) + " out of range");
  }
  if (c.key_frame_interval_s < 0) {
    return protocol::MakeError("invalid_argument", "h264 encoder: key_frame_interval_s must be >= 0");
  }
  return protocol::Ok{};
}

}  // namespace

struct H264Encoder::Impl {
  ISVCEncoder* encoder = nullptr;
  ~Impl() { Destroy(); }
  void Destroy() {
    if (encoder != nullptr) {
      CodecTime::Scope timed(CodecCall::kSetup);
      encoder->Uninitialize();
      WelsDestroySVCEncoder(encoder);
      encoder = nullptr;
    }
  }
};

H264Encoder::H264Encoder(const H264EncoderConfig& config) : config_(config), impl_(std::make_unique<Impl>()) {}

H264Encoder::~H264Encoder() = default;

protocol::Result<std::unique_ptr<H264Encoder>> H264Encoder::Create(const H264EncoderConfig& config) {
  if (auto s = Validate(config); !s) return s.error();
  std::unique_ptr<H264Encoder> encoder(new H264Encoder(config));
  if (auto s = encoder->Init(); !s) return s.error();
  return encoder;
}

protocol::Status H264Encoder::Init() {
  CodecTime::Scope timed(CodecCall::kSetup);
  impl_->Destroy();
  if (WelsCreateSVCEncoder(&impl_->encoder) != 0 || impl_->encoder == nullptr) {
    impl_->encoder = nullptr;
    return protocol::MakeError("h264_encoder_init_failed", "h264 encoder: WelsCreateSVCEncoder failed");
  }
  ISVCEncoder* enc = impl_->encoder;
  int trace = WELS_LOG_QUIET;
  enc->SetOption(ENCODER_OPTION_TRACE_LEVEL, &trace);

  SEncParamExt p;
  std::memset(&p, 0, sizeof(p));
  enc->GetDefaultParams(&p);
  p.iUsageType = config_.content == VideoContent::kScreen ? SCREEN_CONTENT_REAL_TIME : CAMERA_VIDEO_REAL_TIME;
  p.iPicWidth = config_.width;
  p.iPicHeight = config_.height;
  p.iTargetBitrate = static_cast<int>(config_.bitrate_bps);
  p.iMaxBitrate = UNSPECIFIED_BIT_RATE;
  p.iRCMode = RC_BITRATE_MODE;
  p.fMaxFrameRate = static_cast<float>(config_.fps);
  p.iTemporalLayerNum = 1;
  p.iSpatialLayerNum = 1;
  p.iMultipleThreadIdc = 1;  // no threads: determinism
  p.bEnableFrameSkip = false;  // documented choice: every frame yields an access unit
  p.uiIntraPeriod = static_cast<unsigned int>(config_.key_frame_interval_s * config_.fps);
  p.eSpsPpsIdStrategy = CONSTANT_ID;
  p.bPrefixNalAddingCtrl = false;
  p.bEnableSSEI = false;
  p.iEntropyCodingModeFlag = 0;  // CAVLC: baseline
  p.bEnableDenoise = false;
  p.bEnableBackgroundDetection = true;
  p.bEnableAdaptiveQuant = true;
  p.bEnableSceneChangeDetect = true;
  p.bEnableLongTermReference = false;
  p.iNumRefFrame = 1;
  p.iComplexityMode = LOW_COMPLEXITY;
  SSpatialLayerConfig& layer = p.sSpatialLayers[0];
  layer.iVideoWidth = config_.width;
  layer.iVideoHeight = config_.height;
  layer.fFrameRate = static_cast<float>(config_.fps);
  layer.iSpatialBitrate = static_cast<int>(config_.bitrate_bps);
  layer.iMaxSpatialBitrate = UNSPECIFIED_BIT_RATE;
  layer.uiProfileIdc = PRO_BASELINE;
  layer.uiLevelIdc = LEVEL_UNKNOWN;  // OpenH264 picks the level the size needs
  layer.sSliceArgument.uiSliceMode = SM_SINGLE_SLICE;
  layer.sSliceArgument.uiSliceNum = 1;

  if (enc->InitializeExt(&p) != cmResultSuccess) {
    impl_->Destroy();
    return protocol::MakeError("h264_encoder_init_failed", "h264 encoder: InitializeExt failed for " +
                                                               std::to_string(config_.width) + "x" +
                                                               std::to_string(config_.height));
  }
  int format = videoFormatI420;
  enc->SetOption(ENCODER_OPTION_DATAFORMAT, &format);
  reinit_pending_ = false;
  rates_pending_ = false;
  return protocol::Ok{};
}

protocol::Status H264Encoder::SetRates(int64_t bitrate_bps, int fps) {
  H264EncoderConfig next = config_;
  next.bitrate_bps = bitrate_bps;
  next.fps = fps;
  if (auto s = Validate(next); !s) return s;
  config_ = next;
  rates_pending_ = true;
  return protocol::Ok{};
}

protocol::Status H264Encoder::SetResolution(int width, int height) {
  H264EncoderConfig next = config_;
  next.width = width;
  next.height = height;
  if (auto s = Validate(next); !s) return s;
  if (width != config_.width || height != config_.height) reinit_pending_ = true;
  config_ = next;
  return protocol::Ok{};
}

protocol::Result<EncodedVideoFrame> H264Encoder::Encode(const I420Frame& frame, uint32_t frame_number,
                                                        bool force_key_frame) {
  if (frame.width != config_.width || frame.height != config_.height || !frame.consistent()) {
    return protocol::MakeError("invalid_argument", "h264 encoder: picture " + std::to_string(frame.width) + "x" +
                                                       std::to_string(frame.height) + " but the encoder expects " +
                                                       std::to_string(config_.width) + "x" +
                                                       std::to_string(config_.height));
  }
  if (reinit_pending_ || impl_->encoder == nullptr) {
    if (auto s = Init(); !s) return s.error();  // a fresh encoder starts with an IDR
  }
  ISVCEncoder* enc = impl_->encoder;
  if (rates_pending_) {
    CodecTime::Scope timed(CodecCall::kSetup);
    float fps = static_cast<float>(config_.fps);
    SBitrateInfo bitrate{SPATIAL_LAYER_ALL, static_cast<int>(config_.bitrate_bps)};
    if (enc->SetOption(ENCODER_OPTION_FRAME_RATE, &fps) != cmResultSuccess ||
        enc->SetOption(ENCODER_OPTION_BITRATE, &bitrate) != cmResultSuccess) {
      return protocol::MakeError("h264_set_option_failed", "h264 encoder: SetOption(bitrate/frame rate) failed");
    }
    rates_pending_ = false;
  }
  if (force_key_frame) {
    CodecTime::Scope timed(CodecCall::kSetup);
    if (enc->ForceIntraFrame(true) != cmResultSuccess) {
      return protocol::MakeError("h264_encode_failed", "h264 encoder: ForceIntraFrame failed");
    }
  }

  SSourcePicture pic;
  std::memset(&pic, 0, sizeof(pic));
  pic.iColorFormat = videoFormatI420;
  pic.iPicWidth = frame.width;
  pic.iPicHeight = frame.height;
  pic.iStride[0] = frame.width;
  pic.iStride[1] = pic.iStride[2] = frame.width / 2;
  // OpenH264 reads the planes only; the API is not const-correct.
  pic.pData[0] = const_cast<unsigned char*>(frame.y.data());
  pic.pData[1] = const_cast<unsigned char*>(frame.u.data());
  pic.pData[2] = const_cast<unsigned char*>(frame.v.data());
  // Millisecond timestamps advancing 1/fps per frame (rate control only looks at differences).
  pic.uiTimeStamp = static_cast<long long>(input_time_us_ / 1000);
  input_time_us_ += 1'000'000 / config_.fps;

  SFrameBSInfo info;
  std::memset(&info, 0, sizeof(info));
  int rc;
  {
    CodecTime::Scope timed(CodecCall::kH264Encode);
    rc = enc->EncodeFrame(&pic, &info);
  }
  if (rc != cmResultSuccess) {
    return protocol::MakeError("h264_encode_failed", "h264 encoder: EncodeFrame failed at frame " +
                                                         std::to_string(frame_number));
  }
  EncodedVideoFrame out;
  out.width = frame.width;
  out.height = frame.height;
  out.frame_number = frame_number;
  if (info.eFrameType == videoFrameTypeSkip || info.eFrameType == videoFrameTypeInvalid) return out;
  out.key_frame = info.eFrameType == videoFrameTypeIDR;
  out.annex_b.reserve(static_cast<size_t>(info.iFrameSizeInBytes));
  for (int l = 0; l < info.iLayerNum; ++l) {
    const SLayerBSInfo& layer = info.sLayerInfo[l];
    size_t size = 0;
    for (int i = 0; i < layer.iNalCount; ++i) size += static_cast<size_t>(layer.pNalLengthInByte[i]);
    // OpenH264 writes 4-byte start codes before every NAL unit already.
    out.annex_b.insert(out.annex_b.end(), layer.pBsBuf, layer.pBsBuf + size);
  }
  return out;
}

}  // namespace sfusim::clients
