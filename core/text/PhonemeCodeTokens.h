#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sinkscope {

// sinkscope's phoneme drills (docs/training.md, session 18) teach an LLM to read the
// lone byte tokens 0x80–0xFF as phoneme codes. Transcripts are lower-case ASCII
// (DESIGN §3), so such an LLM must never write those bytes: on speech unlike its
// training data it otherwise fills the transcript with codes that are not even UTF-8.
class PhonemeCodeTokens {
 public:
  // The ids of the byte-level tokens of bytes 0x80–0xFF in <llmDir>/tokenizer.json when
  // <llmDir>/training.json records phoneme drills (config.data.drill_phonemes); empty
  // for any other LLM (a converted Llama keeps its non-ASCII bytes). Throws
  // FormatError for a training.json or tokenizer.json that cannot be read.
  static std::vector<std::int64_t> ofLlm(const std::string& llmDir);
};

}  // namespace sinkscope
