// sinkscope-cli forward: one teacher-forced pass, every requested tap dumped as
// float32 safetensors under its tap name (DESIGN §6).

#include <iostream>

#include <nlohmann/json.hpp>

#include "app/cli/CliCommand.h"
#include "app/cli/MediaLoader.h"
#include "app/cli/ModelOptions.h"
#include "core/base/Error.h"
#include "core/io/Safetensors.h"

namespace sinkscope::cli {

namespace {

constexpr const char* kContractTaps =
    "logits,hook_embed,blocks.*.attn.hook_pattern,blocks.*.hook_resid_post,blocks.*.hook_mlp_out,"
    "blocks.*.hook_attn_out";

// The positions travel with the tensors so a dump is self-describing.
std::string tokensJson(const Trace& trace) {
  nlohmann::json tokens = nlohmann::json::array();
  for (const auto& t : trace.tokens) {
    tokens.push_back({{"id", t.id}, {"text", t.text}, {"segment", segmentName(t.segment)},
                      {"start_sec", t.startSec}, {"end_sec", t.endSec}});
  }
  return tokens.dump();
}

int runForward(const CliArgs& args) {
  if (args.has("tokens") == args.has("text") && !args.has("input")) {
    throw Error("give exactly one of --tokens and --text (or --input for a media pass)");
  }
  const std::string out = args.require("dump");
  auto model = loadModelFromArgs(args);

  MediaInput media;
  Modality modality = Modality::Text;
  if (args.has("input")) {
    modality = args.has("modality") ? parseModality(args.get("modality")) : model->defaultModality();
    if (modality == Modality::Text) throw Error("--input needs --modality asr, vsr or avsr");
    media = loadMedia(args.require("input"), usesAudio(modality), usesVideo(modality));
  } else if (args.has("modality") && parseModality(args.get("modality")) != Modality::Text) {
    throw Error("--modality " + args.get("modality") + " needs --input MEDIA");
  }

  std::vector<std::int64_t> ids;
  if (args.has("tokens")) {
    ids = parseTokenList(args.get("tokens"));
  } else if (args.has("text")) {
    // A text-only prompt gets the tokenizer's special tokens (BOS); a response after
    // the media layout is the transcript alone.
    ids = model->encodeText(args.get("text"), modality == Modality::Text);
  }

  // Without --capture the dump holds exactly DESIGN §6's keys.
  const CaptureSpec spec = CaptureSpec::fromList(args.get("capture", kContractTaps));
  const TracePtr trace = model->forward(media, modality, ids, spec);

  SafetensorsWriter writer;
  for (const auto& [name, tensor] : trace->taps) writer.add(name, tensor);
  writer.setMetadata("model", trace->modelName);
  writer.setMetadata("modality", trace->modality);
  writer.setMetadata("tokens", tokensJson(*trace));
  writer.write(out);
  std::cout << out << ": " << trace->taps.size() << " tensors, " << trace->numTokens() << " positions ("
            << trace->modality << ")\n";
  return 0;
}

const CliCommandRegistration kRegistration{
    {"forward",
     "--model DIR (--tokens 1,2,3 | --text STR) [--input MEDIA] [--modality asr|vsr|avsr] "
     "--dump OUT.safetensors [--capture LIST] [--device D] [--dtype T]",
     runForward}};

}  // namespace

}  // namespace sinkscope::cli
