// SfuServer::Impl::OpenPlainConsumer: the real-network interop extension (plain_consumer.h). A
// consumer like media_consume's, on its own plain transport with a fixed remote, resumed at once.
#include "sfu_server_impl.h"

namespace sfusim::sfu {

std::optional<PlainConsumerInfo> SfuServer::Impl::OpenPlainConsumer(const std::string& user_id,
                                                                    const std::string& producer_id,
                                                                    const sim::SocketAddress& target,
                                                                    std::string* error) {
  auto fail = [&](std::string why) -> std::optional<PlainConsumerInfo> {
    if (error) *error = std::move(why);
    return std::nullopt;
  };
  ConnState* conn = nullptr;
  for (auto& [key, c] : conns_) {
    if (c->authenticated && !c->closing && c->user_id == user_id) conn = c.get();
  }
  if (conn == nullptr) return fail("plain consumer: no connected user '" + user_id + "'");
  auto rit = routers_.find(conn->channel);
  if (conn->channel.empty() || rit == routers_.end() || !rit->second->alive) {
    return fail("plain consumer: user '" + user_id + "' is in no channel with a live router");
  }
  RouterState& router = *rit->second;
  auto pit = router.producers.find(producer_id);
  if (pit == router.producers.end()) {
    return fail("plain consumer: no producer '" + producer_id + "' in channel '" + conn->channel + "'");
  }
  if (conn->consumers.size() >= kMaxConsumersPerConnection) return fail("plain consumer: too many consumers");
  TransportState* t = OpenTransport(*conn, router, protocol::TransportDirection::kRecv, /*plain=*/true);
  if (t == nullptr) return fail("plain consumer: no free UDP port");
  t->remote = target;
  ProducerState& producer = pit->second;
  const uint32_t ssrc = AllocateSsrc(router);
  ConsumerState& consumer = AddConsumer(*conn, router, producer, *t, ssrc, /*paused=*/false);
  const std::string& id = consumer.id;
  Trace("plain consumer " + id + " " + conn->user_id + " of " + producer.id + " to " + target.ToString());
  PlainConsumerInfo info;
  info.consumer_id = id;
  info.transport_id = t->id;
  info.kind = producer.kind;
  info.ssrc = ssrc;
  info.clock_rate = consumer.clock_rate;
  if (!producer.rtp_parameters.codecs.empty()) {
    info.payload_type = static_cast<uint8_t>(producer.rtp_parameters.codecs[0].payload_type);
    info.mime_type = producer.rtp_parameters.codecs[0].mime_type;
  }
  info.local_port = t->socket->local_address().port;
  if (producer.kind == protocol::MediaKind::kVideo) RequestKeyFrame(router, producer);
  Changed();
  return info;
}

}  // namespace sfusim::sfu
