// Composite commands of the stateful model: what a real client does in one go (PROTOCOL.md §4),
// built from the single-request commands, so that a random sequence reaches deep states (media
// flowing to paused and resumed consumers, producers closing under consumers) in a few steps.
// - Publish: create and connect the send transport where missing, then produce a source.
// - Subscribe: create and connect the recv transport where missing, then consume every producer of
//   the channel the client does not consume yet, and resume them (or leave them paused).
// Each part is the plain command's Step/Act/Export, run one after the other on the evolving model;
// the parts shrink away with the composite.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "command_base.h"
#include "commands_media.h"

namespace sfusim::sfu::test::model {

struct Composite : ModelCommand {
  // The parts for a model state, decided from it alone (so Step and Act agree).
  virtual std::vector<std::unique_ptr<ModelCommand>> Parts(const Model& m) const = 0;

  void Step(Model& m, Expect& e) const override {
    for (const auto& part : Parts(m)) {
      Expect pe;
      part->Step(m, pe);
      for (std::size_t i = 0; i < static_cast<std::size_t>(kClients); ++i) {
        for (auto& line : pe.msgs[i]) e.msgs[i].push_back(std::move(line));
        e.plis[i] += pe.plis[i];
      }
      e.rids.insert(e.rids.end(), pe.rids.begin(), pe.rids.end());
    }
  }
  void Act(const Model& m0, const Expect&, Sut& sut) const override {
    Model m = m0;
    for (const auto& part : Parts(m0)) {
      const Model before = m;
      Expect pe;
      part->Step(m, pe);
      part->Act(before, pe, sut);
    }
  }
  void Export(ScenarioWriter& w, const Model& m0) const override {
    Model m = m0;
    for (const auto& part : Parts(m0)) {
      part->Export(w, m);
      Expect pe;
      part->Step(m, pe);
    }
  }
};

struct Publish : Composite {
  int i = GenClient();
  MediaSource source = *rc::gen::element(MediaSource::kMicrophone, MediaSource::kCamera, MediaSource::kScreen);
  bool twice = *rc::gen::weightedElement<bool>({{3, false}, {1, true}});  // two produce requests in flight
  void checkPreconditions(const Model& m) const override { RC_PRE(m.C(i).online); }
  std::vector<std::unique_ptr<ModelCommand>> Parts(const Model& m) const override {
    std::vector<std::unique_ptr<ModelCommand>> parts;
    if (m.C(i).send.id.empty()) parts.push_back(std::make_unique<CreateTransport>(i, true));
    if (!m.C(i).send.connected) parts.push_back(std::make_unique<ConnectTransport>(i, 0));
    parts.push_back(std::make_unique<Produce>(i, source, twice));
    return parts;
  }
  void show(std::ostream& os) const override {
    os << "Publish(c" << i << ", " << SourceName(source) << (twice ? ", twice in flight" : "") << ")";
  }
};

struct Subscribe : Composite {
  int i = GenClient();
  bool resume = *rc::gen::weightedElement<bool>({{2, true}, {1, false}});
  void checkPreconditions(const Model& m) const override { RC_PRE(m.C(i).online); }
  std::vector<std::unique_ptr<ModelCommand>> Parts(const Model& m) const override {
    std::vector<std::unique_ptr<ModelCommand>> parts;
    if (m.C(i).recv.id.empty()) parts.push_back(std::make_unique<CreateTransport>(i, false));
    if (!m.C(i).recv.connected) parts.push_back(std::make_unique<ConnectTransport>(i, 1));
    int consumer = m.next_consumer;
    for (const auto& [id, p] : m.producers) {
      if (p.channel != m.C(i).channel || m.C(i).channel.empty()) continue;
      bool have = false;
      for (const auto& [cid, c] : m.consumers) have |= (c.owner == i && c.producer_id == id);
      if (have) continue;
      parts.push_back(std::make_unique<Consume>(i, id));
      // The consumer id the model will give it (the requests go in order, none rate limited
      // unless the window is full, in which case the resume is an error the model predicts).
      if (resume) parts.push_back(std::make_unique<Resume>(i, "c-" + std::to_string(++consumer)));
    }
    return parts;
  }
  void show(std::ostream& os) const override { os << "Subscribe(c" << i << (resume ? "" : ", paused") << ")"; }
};

}  // namespace sfusim::sfu::test::model
