#include "support/PlantedTrace.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "support/FixtureRandom.h"

namespace sinkscope::test {

const std::vector<int> PlantedTrace::kMassiveDims = {7, 42};
const std::vector<int> PlantedTrace::kIntermediateHeads = {0, 1};

namespace {

void addTokens(Trace& trace) {
  auto add = [&](const std::string& text, Segment segment, std::int64_t id) {
    TraceToken token;
    token.id = id;
    token.text = text;
    token.segment = segment;
    trace.tokens.push_back(token);
  };
  add("<|begin_of_text|>", Segment::Bos, 128000);
  add("<audio>", Segment::AudioDelimiter, 128256);
  for (int i = 0; i < 10; ++i) add("A" + std::to_string(i), Segment::Audio, -1);
  add("</audio>", Segment::AudioDelimiter, 128257);
  add("<video>", Segment::VideoDelimiter, 128258);
  for (int i = 0; i < 8; ++i) add("V" + std::to_string(i), Segment::Video, -1);
  add("</video>", Segment::VideoDelimiter, 128259);
  const char* prompt[] = {"Trans", "cribe", " speech", " and", " video", " to", " text", "."};
  for (const char* piece : prompt) add(piece, Segment::Prompt, 1000);
  const char* response[] = {" the", " cat", " sat", " on", " the", " warm", " mat", ".", "<|end_of_text|>"};
  for (const char* piece : response) add(piece, Segment::Response, 2000);
}

}  // namespace

Trace PlantedTrace::make() {
  Trace trace;
  trace.modelName = "planted";
  trace.modality = "avsr";
  trace.numLayers = kLayers;
  trace.numHeads = kHeads;
  trace.hiddenSize = kHidden;
  addTokens(trace);
  const std::int64_t count = kTokens;

  std::uint64_t seed = 20241128;
  for (int layer = 0; layer < kLayers; ++layer) {
    HostTensor pattern({kHeads, count, count});
    HostTensor received({kHeads, count});
    for (int head = 0; head < kHeads; ++head) {
      const bool intermediate = layer >= kFirstIntermediateLayer &&
                                (head == kIntermediateHeads[0] || head == kIntermediateHeads[1]);
      const double toBos = layer < kFirstBosSinkLayer ? 0.12 : (intermediate ? 0.5 : 0.6);
      const double toSink = intermediate ? 0.4 : 0.0;
      const std::vector<float> noise = FixtureRandom::uniform(count * count, seed++);
      for (std::int64_t q = 0; q < count; ++q) {
        const double sinkShare = q > kIntermediateSink ? toSink : 0.0;
        const double bosShare = q == 0 ? 1.0 : toBos;
        const double rest = 1.0 - bosShare - sinkShare;
        // The rest spreads over the visible keys with weights that favour recent ones.
        double total = 0.0;
        std::vector<double> weight(static_cast<std::size_t>(q + 1), 0.0);
        for (std::int64_t k = 0; k <= q; ++k) {
          weight[k] = std::exp(1.2 * noise[q * count + k] - 0.08 * double(q - k));
          total += weight[k];
        }
        for (std::int64_t k = 0; k <= q; ++k) {
          double value = rest * weight[k] / total;
          if (k == 0) value += bosShare;
          if (k == kIntermediateSink) value += sinkShare;
          pattern.at(head, q, k) = static_cast<float>(value);
        }
      }
      for (std::int64_t k = 0; k < count; ++k) {
        double sum = 0.0;
        for (std::int64_t q = k; q < count; ++q) sum += pattern.at(head, q, k);
        received.at(head, k) = static_cast<float>(sum / double(count - k));
      }
    }
    const std::string prefix = "blocks." + std::to_string(layer) + ".";
    trace.taps[prefix + "attn.hook_pattern"] = pattern;
    trace.taps[prefix + "attn.hook_received"] = received;
  }

  // Ordinary tokens share a weak common direction plus their own noise.
  const std::vector<float> common = FixtureRandom::uniform(kHidden, seed++);
  auto residual = [&](int layer) {
    HostTensor hidden({count, kHidden});
    const std::vector<float> noise = FixtureRandom::uniform(count * kHidden, seed++);
    const double scale = 0.6 + 0.15 * layer;
    for (std::int64_t t = 0; t < count; ++t) {
      for (int d = 0; d < kHidden; ++d) {
        hidden.at(t, d) = static_cast<float>(scale * (noise[t * kHidden + d] + 0.35 * common[d]));
      }
    }
    return hidden;
  };
  trace.taps["hook_embed"] = residual(0);
  for (int layer = 0; layer < kLayers; ++layer) {
    HostTensor hidden = residual(layer);
    // Massive values grow over the first layers and then stay, as in Sun et al.
    const double growth = std::min(1.0, 0.55 + 0.15 * layer);
    // A sink token's other dims are small next to its massive ones.
    auto quiet = [&](std::int64_t t) {
      for (int d = 0; d < kHidden; ++d) hidden.at(t, d) *= 0.2f;
    };
    if (layer >= kFirstBosSinkLayer) {
      quiet(0);
      hidden.at(0, kMassiveDims[0]) = static_cast<float>(620.0 * growth);
      hidden.at(0, kMassiveDims[1]) = static_cast<float>(-410.0 * growth);
    }
    if (layer >= kFirstIntermediateLayer) {
      quiet(kIntermediateSink);
      hidden.at(kIntermediateSink, kMassiveDims[0]) = static_cast<float>(540.0 * growth);
      hidden.at(kIntermediateSink, kMassiveDims[1]) = static_cast<float>(-350.0 * growth);
    }
    trace.taps["blocks." + std::to_string(layer) + ".hook_resid_post"] = hidden;
  }
  return trace;
}

}  // namespace sinkscope::test
