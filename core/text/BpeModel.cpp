#include "core/text/BpeModel.h"

#include <cstdio>
#include <queue>

#include "core/text/TokenizerJson.h"
#include "core/text/Utf8.h"

namespace sinkscope {

namespace {

// Words seen once are not worth caching forever: past this many entries the cache
// stops growing (HF bounds its cache the same way).
constexpr std::size_t kCacheCapacity = 100000;
// Without a pre-tokenizer (SentencePiece layouts) a "word" is a whole text span;
// those are unlikely to repeat.
constexpr std::size_t kMaxCachedWordBytes = 256;

std::string byteToken(unsigned char byte) {
  char text[8];
  std::snprintf(text, sizeof(text), "<0x%02X>", byte);
  return text;
}

}  // namespace

BpeModel BpeModel::fromJson(const nlohmann::json& node, const std::string& file) {
  const std::string key = "model";
  if (!node.is_object()) {
    TokenizerJson::fail(file, key, "expected an object, found " + TokenizerJson::describe(node));
  }
  auto type = node.find("type");
  if (type != node.end() && !(type->is_string() && type->get<std::string>() == "BPE")) {
    TokenizerJson::fail(file, "model.type",
                        "only BPE models are supported, found " + TokenizerJson::describe(*type));
  }
  for (const char* unsupported : {"dropout", "continuing_subword_prefix", "end_of_word_suffix"}) {
    auto it = node.find(unsupported);
    if (it != node.end() && !it->is_null()) {
      TokenizerJson::fail(file, TokenizerJson::join(key, unsupported),
                          "only null is supported, found " + TokenizerJson::describe(*it));
    }
  }

  BpeModel model;
  const nlohmann::json& vocab = TokenizerJson::member(node, "vocab", file, key);
  if (!vocab.is_object()) {
    TokenizerJson::fail(file, "model.vocab",
                        "expected an object of token: id, found " + TokenizerJson::describe(vocab));
  }
  model.vocab_.reserve(vocab.size());
  for (auto it = vocab.begin(); it != vocab.end(); ++it) {
    constexpr std::int64_t kMaxId = (std::int64_t{1} << 31) - 1;
    if (!it->is_number_integer() || it->get<std::int64_t>() < 0 || it->get<std::int64_t>() > kMaxId) {
      TokenizerJson::fail(file, "model.vocab." + it.key(),
                          "expected an id in [0, 2^31), found " + TokenizerJson::describe(*it));
    }
    const auto id = it->get<std::int64_t>();
    model.vocab_.emplace(it.key(), id);
    if (id >= static_cast<std::int64_t>(model.tokens_.size())) {
      model.tokens_.resize(static_cast<std::size_t>(id) + 1);
      model.hasToken_.resize(static_cast<std::size_t>(id) + 1, false);
    }
    model.tokens_[static_cast<std::size_t>(id)] = it.key();
    model.hasToken_[static_cast<std::size_t>(id)] = true;
  }

  const nlohmann::json& merges = TokenizerJson::member(node, "merges", file, key);
  if (!merges.is_array()) {
    TokenizerJson::fail(file, "model.merges", "expected a list, found " + TokenizerJson::describe(merges));
  }
  model.merges_.reserve(merges.size());
  model.mergeRanks_.reserve(merges.size());
  for (std::size_t rank = 0; rank < merges.size(); ++rank) {
    const nlohmann::json& entry = merges[rank];
    const std::string entryKey = "model.merges[" + std::to_string(rank) + "]";
    std::pair<std::string, std::string> pair;
    if (entry.is_string()) {
      const std::string text = entry.get<std::string>();
      const std::size_t space = text.find(' ');
      if (space == std::string::npos || text.find(' ', space + 1) != std::string::npos) {
        TokenizerJson::fail(file, entryKey,
                            "expected \"left right\" with one space, found " + TokenizerJson::describe(entry));
      }
      pair = {text.substr(0, space), text.substr(space + 1)};
    } else if (entry.is_array() && entry.size() == 2 && entry[0].is_string() && entry[1].is_string()) {
      pair = {entry[0].get<std::string>(), entry[1].get<std::string>()};
    } else {
      TokenizerJson::fail(file, entryKey,
                          "expected \"left right\" or [\"left\", \"right\"], found " +
                              TokenizerJson::describe(entry));
    }
    const auto left = model.tokenId(pair.first);
    const auto right = model.tokenId(pair.second);
    const auto merged = model.tokenId(pair.first + pair.second);
    for (const auto& [piece, id] : {std::make_pair(pair.first, left), std::make_pair(pair.second, right),
                                    std::make_pair(pair.first + pair.second, merged)}) {
      if (!id) {
        TokenizerJson::fail(file, entryKey, "token \"" + piece + "\" is not in model.vocab");
      }
    }
    // A repeated pair keeps its last rank, as in HF.
    model.mergeRanks_[pairKey(*left, *right)] = Merge{static_cast<std::uint32_t>(rank), *merged};
    model.merges_.push_back(std::move(pair));
  }

  auto unk = node.find("unk_token");
  if (unk != node.end() && !unk->is_null()) {
    if (!unk->is_string()) {
      TokenizerJson::fail(file, "model.unk_token", "expected a string or null, found " + TokenizerJson::describe(*unk));
    }
    model.unkToken_ = unk->get<std::string>();
    model.unkId_ = model.tokenId(*model.unkToken_);
    if (!model.unkId_) {
      TokenizerJson::fail(file, "model.unk_token", "\"" + *model.unkToken_ + "\" is not in model.vocab");
    }
  }
  model.fuseUnk_ = TokenizerJson::boolean(node, "fuse_unk", false, file, key);
  model.byteFallback_ = TokenizerJson::boolean(node, "byte_fallback", false, file, key);
  model.ignoreMerges_ = TokenizerJson::boolean(node, "ignore_merges", false, file, key);
  return model;
}

std::optional<std::int64_t> BpeModel::tokenId(const std::string& token) const {
  auto it = vocab_.find(token);
  if (it == vocab_.end()) return std::nullopt;
  return it->second;
}

const std::string* BpeModel::token(std::int64_t id) const {
  if (id < 0 || id >= static_cast<std::int64_t>(tokens_.size()) || !hasToken_[static_cast<std::size_t>(id)]) {
    return nullptr;
  }
  return &tokens_[static_cast<std::size_t>(id)];
}

std::vector<std::int64_t> BpeModel::initialSymbols(const std::string& word) const {
  std::vector<std::int64_t> symbols;
  // A run of unknown characters becomes one unk when fuse_unk is set.
  bool pendingUnk = false;
  std::size_t pos = 0;
  while (pos < word.size()) {
    const std::size_t begin = pos;
    Utf8::next(word, pos);
    const std::string piece = word.substr(begin, pos - begin);
    if (auto id = tokenId(piece)) {
      if (pendingUnk) symbols.push_back(*unkId_);
      pendingUnk = false;
      symbols.push_back(*id);
      continue;
    }
    if (byteFallback_) {
      std::vector<std::int64_t> bytes;
      for (char byte : piece) {
        if (auto id = tokenId(byteToken(static_cast<unsigned char>(byte)))) bytes.push_back(*id);
      }
      // HF leaves a pending unk in place here, so it lands after these bytes.
      if (bytes.size() == piece.size()) {
        symbols.insert(symbols.end(), bytes.begin(), bytes.end());
        continue;
      }
    }
    if (unkId_) {
      if (pendingUnk && !fuseUnk_) symbols.push_back(*unkId_);
      pendingUnk = true;
    }
  }
  if (pendingUnk) symbols.push_back(*unkId_);
  return symbols;
}

std::vector<std::int64_t> BpeModel::mergeWord(const std::string& word) const {
  std::vector<std::int64_t> ids = initialSymbols(word);
  const std::size_t n = ids.size();
  // A doubly linked list over the symbols; a merge keeps the left one.
  std::vector<std::ptrdiff_t> prev(n), next(n);
  std::vector<bool> alive(n, true);
  for (std::size_t i = 0; i < n; ++i) {
    prev[i] = static_cast<std::ptrdiff_t>(i) - 1;
    next[i] = i + 1 < n ? static_cast<std::ptrdiff_t>(i + 1) : -1;
  }
  struct Candidate {
    std::uint32_t rank;
    std::size_t pos;
    std::int64_t merged;
    bool operator>(const Candidate& other) const {
      return rank != other.rank ? rank > other.rank : pos > other.pos;
    }
  };
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<Candidate>> queue;
  auto consider = [&](std::size_t left) {
    if (next[left] < 0) return;
    auto it = mergeRanks_.find(pairKey(ids[left], ids[static_cast<std::size_t>(next[left])]));
    if (it != mergeRanks_.end()) queue.push({it->second.rank, left, it->second.merged});
  };
  for (std::size_t i = 0; i + 1 < n; ++i) consider(i);

  while (!queue.empty()) {
    const Candidate top = queue.top();
    queue.pop();
    // Entries go stale when a neighbour merged first; check the pair still holds.
    if (!alive[top.pos] || next[top.pos] < 0) continue;
    const auto right = static_cast<std::size_t>(next[top.pos]);
    auto it = mergeRanks_.find(pairKey(ids[top.pos], ids[right]));
    if (it == mergeRanks_.end() || it->second.merged != top.merged) continue;

    ids[top.pos] = top.merged;
    alive[right] = false;
    next[top.pos] = next[right];
    if (next[right] >= 0) prev[static_cast<std::size_t>(next[right])] = static_cast<std::ptrdiff_t>(top.pos);
    if (prev[top.pos] >= 0) consider(static_cast<std::size_t>(prev[top.pos]));
    consider(top.pos);
  }

  std::vector<std::int64_t> result;
  result.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (alive[i]) result.push_back(ids[i]);
  }
  return result;
}

void BpeModel::tokenize(const std::string& word, std::vector<std::int64_t>& ids) const {
  if (word.empty()) return;
  if (word.size() <= kMaxCachedWordBytes) {
    std::lock_guard<std::mutex> lock(cache_->mutex);
    auto it = cache_->words.find(word);
    if (it != cache_->words.end()) {
      ids.insert(ids.end(), it->second.begin(), it->second.end());
      return;
    }
  }
  if (ignoreMerges_) {
    if (auto id = tokenId(word)) {
      ids.push_back(*id);
      return;
    }
  }
  std::vector<std::int64_t> merged = mergeWord(word);
  ids.insert(ids.end(), merged.begin(), merged.end());
  std::lock_guard<std::mutex> lock(cache_->mutex);
  if (cache_->words.size() < kCacheCapacity && word.size() <= kMaxCachedWordBytes) {
    cache_->words.emplace(word, std::move(merged));
  }
}

nlohmann::json BpeModel::toJson() const {
  nlohmann::json vocab = nlohmann::json::object();
  for (const auto& [token, id] : vocab_) vocab[token] = id;
  nlohmann::json merges = nlohmann::json::array();
  for (const auto& [left, right] : merges_) {
    if (left.find(' ') == std::string::npos && right.find(' ') == std::string::npos) {
      merges.push_back(left + " " + right);
    } else {
      merges.push_back(nlohmann::json::array({left, right}));
    }
  }
  return nlohmann::json{
      {"type", "BPE"},
      {"dropout", nullptr},
      {"unk_token", unkToken_ ? nlohmann::json(*unkToken_) : nlohmann::json(nullptr)},
      {"continuing_subword_prefix", nullptr},
      {"end_of_word_suffix", nullptr},
      {"fuse_unk", fuseUnk_},
      {"byte_fallback", byteFallback_},
      {"ignore_merges", ignoreMerges_},
      {"vocab", std::move(vocab)},
      {"merges", std::move(merges)},
  };
}

}  // namespace sinkscope
