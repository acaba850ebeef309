// libFuzzer target for the signaling decoder (client and server directions).
//
// For any bytes: decoding never crashes, never throws, never reports internal_error; an error has
// a known code and a pointer that is "" or starts with "/", and its message starts with that
// pointer. For accepted bytes: re-encoding and decoding again gives an equal message, and the
// re-encoded text is a fixed point. Any violation aborts, which libFuzzer reports as a crash.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sfusim/protocol/signaling/signaling_codec.h"
#include "sfusim/protocol/signaling/signaling_error_codes.h"

namespace {

using namespace sfusim::protocol;

[[noreturn]] void Die(const char* what, const std::string& detail) {
  std::fprintf(stderr, "signaling_fuzz: %s: %s\n", what, detail.c_str());
  std::abort();
}

void CheckError(const Error& error, const DecodeDiagnostics& diag) {
  bool known = false;
  for (std::string_view code : signaling_error::kAllCodes) known |= code == error.code;
  if (!known || error.code == signaling_error::kInternalError) Die("unexpected code", error.code);
  if (!diag.pointer.empty() && diag.pointer[0] != '/') Die("malformed pointer", diag.pointer);
  const std::string prefix = (diag.pointer.empty() ? std::string("payload") : diag.pointer) + ": ";
  if (error.message.rfind(prefix, 0) != 0) Die("message without its pointer", error.message);
}

template <typename Message>
void RoundTrip(const Message& message, Result<Message> (*decode)(std::string_view, DecodeDiagnostics*),
               std::string (*encode)(const Message&)) {
  const std::string text = encode(message);
  auto again = decode(text, nullptr);
  if (!again.ok()) Die("re-encoded message rejected", again.error().code + " " + again.error().message + " " + text);
  if (!(*again == message)) Die("re-decoded message differs", text);
  if (encode(*again) != text) Die("encoding is not a fixed point", text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  DecodeDiagnostics diag;
  auto client = DecodeClientMessage(text, &diag);
  if (client.ok()) {
    RoundTrip<ClientMessage>(*client, &DecodeClientMessage, &EncodeClientMessage);
  } else {
    CheckError(client.error(), diag);
    // The reply a server would send must itself encode and decode.
    const ServerMessage reply = MakeDecodeErrorReply(client.error(), diag);
    auto decoded_reply = DecodeServerMessage(EncodeServerMessage(reply));
    if (!decoded_reply.ok()) Die("error reply does not decode", decoded_reply.error().message);
  }

  auto server = DecodeServerMessage(text, &diag);
  if (server.ok()) {
    RoundTrip<ServerMessage>(*server, &DecodeServerMessage, &EncodeServerMessage);
  } else {
    CheckError(server.error(), diag);
  }
  return 0;
}
