#include "core/text/BpeTrainer.h"

#include <algorithm>
#include <queue>
#include <unordered_map>
#include <unordered_set>

#include "core/base/Error.h"
#include "core/text/ByteLevel.h"
#include "core/text/Tokenizer.h"
#include "core/text/Utf8.h"

namespace sinkscope {

namespace {

using nlohmann::json;

const char* const kLlama3SplitRegex =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

json preTokenizerNode() {
  return {{"type", "Sequence"},
          {"pretokenizers",
           {{{"type", "Split"},
             {"pattern", {{"Regex", kLlama3SplitRegex}}},
             {"behavior", "Isolated"},
             {"invert", false}},
            {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}, {"use_regex", false}}}}};
}

json postProcessorNode(const std::string& bos, std::int64_t bosId) {
  const json bosPiece = {{"SpecialToken", {{"id", bos}, {"type_id", 0}}}};
  auto sequence = [](const char* id) { return json{{"Sequence", {{"id", id}, {"type_id", 0}}}}; };
  return {{"type", "TemplateProcessing"},
          {"single", {bosPiece, sequence("A")}},
          {"pair", {bosPiece, sequence("A"), bosPiece, sequence("B")}},
          {"special_tokens", {{bos, {{"id", bos}, {"ids", {bosId}}, {"tokens", {bos}}}}}}};
}

json decoderNode() {
  return {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", true}, {"use_regex", true}};
}

std::uint64_t pairKey(std::int32_t left, std::int32_t right) {
  return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(left)) << 32) |
         static_cast<std::uint32_t>(right);
}

struct Candidate {
  std::int64_t count;
  std::int32_t left;
  std::int32_t right;
  // Max-heap order: more frequent first, then smaller ids.
  bool operator<(const Candidate& other) const {
    if (count != other.count) return count < other.count;
    if (left != other.left) return left > other.left;
    return right > other.right;
  }
};

// Merges every non-overlapping (left, right), left to right, into `merged`.
std::vector<std::int32_t> mergePair(const std::vector<std::int32_t>& symbols, std::int32_t left,
                                    std::int32_t right, std::int32_t merged) {
  std::vector<std::int32_t> out;
  out.reserve(symbols.size());
  for (std::size_t i = 0; i < symbols.size(); ++i) {
    if (i + 1 < symbols.size() && symbols[i] == left && symbols[i + 1] == right) {
      out.push_back(merged);
      ++i;
    } else {
      out.push_back(symbols[i]);
    }
  }
  return out;
}

}  // namespace

BpeTrainer::BpeTrainer(BpeTrainerOptions options)
    : options_(std::move(options)), preTokenizer_(PreTokenizer::fromJson(preTokenizerNode(), "BpeTrainer")) {}

void BpeTrainer::addText(std::string_view text) {
  std::vector<std::string> words;
  preTokenizer_.split(text, true, words);
  for (std::string& word : words) ++wordCounts_[std::move(word)];
}

nlohmann::json BpeTrainer::train() const {
  const auto added = static_cast<std::int64_t>(options_.addedTokens.size());
  if (options_.vocabSize < 256 + added) {
    throw ConfigError("BPE vocab_size " + std::to_string(options_.vocabSize) + " must be at least " +
                      std::to_string(256 + added) + " (256 bytes + " + std::to_string(added) +
                      " added tokens)");
  }
  if (std::none_of(options_.addedTokens.begin(), options_.addedTokens.end(),
                   [&](const AddedToken& t) { return t.content == options_.bosToken; })) {
    throw ConfigError("BPE bos token '" + options_.bosToken + "' is not among the added tokens");
  }
  const std::int64_t baseTarget = options_.vocabSize - added;

  // Byte symbols in code point order, as HF orders a ByteLevel alphabet.
  std::vector<std::string> tokens;
  for (int byte = 0; byte < 256; ++byte) tokens.push_back(ByteLevel::encode(std::string(1, static_cast<char>(byte))));
  std::sort(tokens.begin(), tokens.end(), [](const std::string& a, const std::string& b) {
    std::size_t i = 0;
    std::size_t j = 0;
    return Utf8::next(a, i) < Utf8::next(b, j);
  });
  std::unordered_map<std::string, std::int32_t> ids;
  for (std::size_t i = 0; i < tokens.size(); ++i) ids[tokens[i]] = static_cast<std::int32_t>(i);

  // Words as symbol ids with their counts.
  std::vector<std::vector<std::int32_t>> words;
  std::vector<std::int64_t> counts;
  words.reserve(wordCounts_.size());
  for (const auto& [word, count] : wordCounts_) {
    std::vector<std::int32_t> symbols;
    std::size_t pos = 0;
    while (pos < word.size()) {
      const std::size_t begin = pos;
      Utf8::next(word, pos);
      symbols.push_back(ids.at(word.substr(begin, pos - begin)));
    }
    words.push_back(std::move(symbols));
    counts.push_back(count);
  }

  // Pair counts and, per pair, the words that may hold it (stale entries are skipped).
  std::unordered_map<std::uint64_t, std::int64_t> pairCounts;
  std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> pairWords;
  for (std::size_t w = 0; w < words.size(); ++w) {
    const auto& symbols = words[w];
    for (std::size_t i = 0; i + 1 < symbols.size(); ++i) {
      const auto key = pairKey(symbols[i], symbols[i + 1]);
      pairCounts[key] += counts[w];
      auto& list = pairWords[key];
      if (list.empty() || list.back() != w) list.push_back(static_cast<std::uint32_t>(w));
    }
  }
  std::priority_queue<Candidate> queue;
  {
    std::vector<Candidate> initial;
    initial.reserve(pairCounts.size());
    for (const auto& [key, count] : pairCounts) {
      initial.push_back({count, static_cast<std::int32_t>(key >> 32), static_cast<std::int32_t>(key & 0xffffffffu)});
    }
    queue = std::priority_queue<Candidate>(std::less<Candidate>(), std::move(initial));
  }

  std::vector<std::pair<std::int32_t, std::int32_t>> merges;
  std::vector<std::uint32_t> seenStamp(words.size(), 0);
  std::uint32_t stamp = 0;
  while (static_cast<std::int64_t>(tokens.size()) < baseTarget && !queue.empty()) {
    const Candidate top = queue.top();
    queue.pop();
    const auto key = pairKey(top.left, top.right);
    const auto found = pairCounts.find(key);
    const std::int64_t current = found == pairCounts.end() ? 0 : found->second;
    if (current != top.count) {
      if (current >= options_.minFrequency && current > 0) queue.push({current, top.left, top.right});
      continue;
    }
    if (current < options_.minFrequency || current <= 0) break;

    // Two merge paths can spell the same string; it keeps its first id.
    const std::string text = tokens[static_cast<std::size_t>(top.left)] + tokens[static_cast<std::size_t>(top.right)];
    std::int32_t merged;
    if (auto it = ids.find(text); it != ids.end()) {
      merged = it->second;
    } else {
      merged = static_cast<std::int32_t>(tokens.size());
      tokens.push_back(text);
      ids.emplace(text, merged);
    }
    merges.emplace_back(top.left, top.right);

    ++stamp;
    std::unordered_set<std::uint64_t> grown;
    const std::vector<std::uint32_t> holders = std::move(pairWords[key]);
    pairWords.erase(key);
    for (std::uint32_t w : holders) {
      if (seenStamp[w] == stamp) continue;
      seenStamp[w] = stamp;
      std::vector<std::int32_t>& symbols = words[w];
      std::vector<std::int32_t> next = mergePair(symbols, top.left, top.right, merged);
      if (next.size() == symbols.size()) continue;
      const std::int64_t count = counts[w];
      for (std::size_t i = 0; i + 1 < symbols.size(); ++i) pairCounts[pairKey(symbols[i], symbols[i + 1])] -= count;
      for (std::size_t i = 0; i + 1 < next.size(); ++i) {
        const auto nextKey = pairKey(next[i], next[i + 1]);
        pairCounts[nextKey] += count;
        if (next[i] == merged || next[i + 1] == merged) {
          grown.insert(nextKey);
          auto& list = pairWords[nextKey];
          if (list.empty() || list.back() != w) list.push_back(w);
        }
      }
      symbols = std::move(next);
    }
    pairCounts.erase(key);
    // Only pairs with the new symbol can have grown; shrunk ones are corrected when popped.
    std::vector<std::uint64_t> grownSorted(grown.begin(), grown.end());
    std::sort(grownSorted.begin(), grownSorted.end());
    for (std::uint64_t k : grownSorted) {
      const std::int64_t count = pairCounts[k];
      if (count > 0) queue.push({count, static_cast<std::int32_t>(k >> 32), static_cast<std::int32_t>(k & 0xffffffffu)});
    }
  }

  json vocab = json::object();
  for (std::size_t i = 0; i < tokens.size(); ++i) vocab[tokens[i]] = static_cast<std::int64_t>(i);
  json mergeList = json::array();
  for (const auto& [left, right] : merges) {
    mergeList.push_back(tokens[static_cast<std::size_t>(left)] + " " + tokens[static_cast<std::size_t>(right)]);
  }

  json addedList = json::array();
  std::int64_t nextId = static_cast<std::int64_t>(tokens.size());
  std::int64_t bosId = -1;
  for (const AddedToken& token : options_.addedTokens) {
    if (token.content == options_.bosToken) bosId = nextId;
    addedList.push_back({{"id", nextId++},
                         {"content", token.content},
                         {"single_word", false},
                         {"lstrip", token.lstrip},
                         {"rstrip", token.rstrip},
                         {"normalized", token.normalized},
                         {"special", token.special}});
  }

  return {{"version", "1.0"},
          {"truncation", nullptr},
          {"padding", nullptr},
          {"added_tokens", addedList},
          {"normalizer", nullptr},
          {"pre_tokenizer", preTokenizerNode()},
          {"post_processor", postProcessorNode(options_.bosToken, bosId)},
          {"decoder", decoderNode()},
          {"model",
           {{"type", "BPE"},
            {"dropout", nullptr},
            {"unk_token", nullptr},
            {"continuing_subword_prefix", nullptr},
            {"end_of_word_suffix", nullptr},
            {"fuse_unk", false},
            {"byte_fallback", false},
            {"ignore_merges", false},
            {"vocab", vocab},
            {"merges", mergeList}}}};
}

Tokenizer BpeTrainer::trainTokenizer() const {
  return Tokenizer::fromJson(train(), "BpeTrainer");
}

}  // namespace sinkscope
