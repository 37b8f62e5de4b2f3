#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace sinkscope {

// The "model" of a tokenizer.json with type BPE: vocabulary, ranked merges and
// the options that change ids (ignore_merges, unk_token, fuse_unk, byte_fallback).
// Merges apply lowest rank first, leftmost first among equal ranks, as HF does.
// Results are cached per word; the cache is shared by copies of the model.
class BpeModel {
 public:
  // `node` is the "model" value; every problem throws FormatError naming the key.
  static BpeModel fromJson(const nlohmann::json& node, const std::string& file);

  // Appends the ids of one pre-tokenized word.
  void tokenize(const std::string& word, std::vector<std::int64_t>& ids) const;

  std::optional<std::int64_t> tokenId(const std::string& token) const;
  const std::string* token(std::int64_t id) const;  // nullptr for an id outside the vocabulary
  std::int64_t size() const { return static_cast<std::int64_t>(vocab_.size()); }
  std::int64_t maxId() const { return static_cast<std::int64_t>(tokens_.size()) - 1; }
  bool byteFallback() const { return byteFallback_; }

  // The "model" value again, merges as "a b" strings unless a piece has a space.
  nlohmann::json toJson() const;

 private:
  struct Merge {
    std::uint32_t rank;
    std::int64_t merged;
  };
  struct WordCache {
    std::mutex mutex;
    std::unordered_map<std::string, std::vector<std::int64_t>> words;
  };

  static std::uint64_t pairKey(std::int64_t left, std::int64_t right) {
    return (static_cast<std::uint64_t>(left) << 32) | static_cast<std::uint64_t>(right);
  }
  std::vector<std::int64_t> mergeWord(const std::string& word) const;
  std::vector<std::int64_t> initialSymbols(const std::string& word) const;

  std::unordered_map<std::string, std::int64_t> vocab_;
  std::vector<std::string> tokens_;   // by id; empty where no token has the id
  std::vector<bool> hasToken_;
  std::vector<std::pair<std::string, std::string>> merges_;  // in rank order
  std::unordered_map<std::uint64_t, Merge> mergeRanks_;
  std::optional<std::string> unkToken_;
  std::optional<std::int64_t> unkId_;
  bool fuseUnk_ = false;
  bool byteFallback_ = false;
  bool ignoreMerges_ = false;
  std::shared_ptr<WordCache> cache_ = std::make_shared<WordCache>();
};

}  // namespace sinkscope
