#include "core/base/CaptureSpec.h"

#include <algorithm>
#include <sstream>

namespace sinkscope {

bool globMatch(const std::string& pattern, const std::string& text) {
  std::size_t p = 0, t = 0, starP = std::string::npos, starT = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      starP = p++;
      starT = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (starP != std::string::npos) {
      p = starP + 1;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

CaptureSpec CaptureSpec::analysisDefault() {
  CaptureSpec spec;
  spec.patterns = {"hook_embed", "blocks.*.attn.hook_received", "blocks.*.hook_resid_post"};
  return spec;
}

CaptureSpec CaptureSpec::analysisWithOrigins() {
  CaptureSpec spec = analysisDefault();
  spec.patterns.push_back("blocks.*.hook_mlp_out");
  return spec;
}

CaptureSpec CaptureSpec::everything() {
  CaptureSpec spec;
  spec.patterns = {"hook_embed",           "blocks.*.attn.hook_pattern",
                   "blocks.*.hook_resid_post", "blocks.*.hook_mlp_out",
                   "blocks.*.hook_attn_out",   "ln_final.hook_normalized",
                   "logits"};
  return spec;
}

CaptureSpec CaptureSpec::none() {
  return CaptureSpec{};
}

CaptureSpec CaptureSpec::fromList(const std::string& commaSeparated) {
  CaptureSpec spec;
  std::stringstream in(commaSeparated);
  std::string item;
  while (std::getline(in, item, ',')) {
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (item.empty()) continue;
    spec.patterns.push_back(item);
  }
  return spec;
}

bool CaptureSpec::wants(const std::string& tapName) const {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& p) { return globMatch(p, tapName); });
}

bool CaptureSpec::wantsLayer(int layer) const {
  return layers.empty() || std::find(layers.begin(), layers.end(), layer) != layers.end();
}

}  // namespace sinkscope
