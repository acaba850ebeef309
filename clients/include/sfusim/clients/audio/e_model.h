// EModel: ITU-T G.107 (06/2015) R-factor and MOS from one-way delay and packet loss.
//
// Contract:
// - R = kDefaultR - Idd(Ta) - Ie,eff(Ppl, BurstR) (+ A = 0). kDefaultR = 93.2 is G.107's R for all
//   default parameters (Ro - Is - Idte - Idle with Table 3 defaults); of the delay impairment we
//   keep Idd, the absolute-delay term (G.107 7.4, zero up to Ta = 100 ms), and assume echo is
//   perfectly cancelled (Idte, Idle at their default-parameter values, i.e. folded into 93.2).
// - Ie,eff = Ie + (95 - Ie) * Ppl / (Ppl / BurstR + Bpl) (G.107 eq. 7-29), Ppl in percent.
// - MOS = 1 for R < 0, 4.5 for R > 100, else 1 + 0.035 R + R (R - 60)(100 - R) 7e-6 (G.107 Annex B).
// - Opus is not in ITU-T G.113's narrowband Ie/Bpl tables; OpusParameters() are an ESTIMATE:
//   Ie = 0 (at >= 24 kbit/s Opus is at least as clean as G.711, whose Ie is 0 in G.113 Table I.1)
//   and Bpl = 25.1 (G.113 Table I.3's value for G.711 with Appendix I PLC; Opus's PLC plus FEC is
//   not worse). Loss fed to the model should be the loss AFTER FEC (concealed frames).
#pragma once

#include <optional>

namespace sfusim::clients {

struct AudioStreamStats;

// What EModel::Estimate() derived from a stream's stats, with the inputs it used.
struct EModelEstimate {
  double delay_ms = 0;     // mean mouth-to-ear delay (Ta)
  double loss_ratio = 0;   // concealed_ratio(): loss after FEC
  double burst_ratio = 1;  // from the mean concealed burst length
  double r = 0;
  double mos = 0;
};

struct EModelParameters {
  double ie = 0;      // equipment impairment factor of the codec
  double bpl = 25.1;  // packet-loss robustness factor
  bool operator==(const EModelParameters&) const = default;
};

class EModel {
 public:
  static constexpr double kDefaultR = 93.2;
  static constexpr double kIddThresholdMs = 100;

  static EModelParameters OpusParameters() { return EModelParameters{}; }

  // Idd of G.107 7.4 for an absolute one-way delay Ta (ms).
  static double DelayImpairment(double one_way_delay_ms);
  // Ie,eff for a loss ratio in [0, 1] and a burst ratio >= 1 (1 = random loss).
  static double EffectiveEquipmentImpairment(double loss_ratio, double burst_ratio, const EModelParameters& p);
  static double RFactor(double one_way_delay_ms, double loss_ratio, double burst_ratio = 1.0,
                        const EModelParameters& p = OpusParameters());
  static double MosFromR(double r);
  static double Mos(double one_way_delay_ms, double loss_ratio, double burst_ratio = 1.0,
                    const EModelParameters& p = OpusParameters()) {
    return MosFromR(RFactor(one_way_delay_ms, loss_ratio, burst_ratio, p));
  }
  // G.107's BurstR = mean observed loss burst length / the mean for random loss, 1 / (1 - p).
  // Returns 1 when there is no loss; values below 1 mean loss more spread out than random.
  static double BurstRatio(double mean_burst_length, double loss_ratio);
  // R and MOS of a received stream: Ta = mean delay_ms, Ppl = concealed_ratio(), BurstR from
  // mean_concealed_burst(). nullopt when the stream has no delay sample (nothing played normally).
  static std::optional<EModelEstimate> Estimate(const AudioStreamStats& stats,
                                                const EModelParameters& p = OpusParameters());
};

}  // namespace sfusim::clients
