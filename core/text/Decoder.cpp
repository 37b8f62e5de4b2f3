#include "core/text/Decoder.h"

#include "core/text/ByteLevel.h"
#include "core/text/TokenizerJson.h"
#include "core/text/Utf8.h"

namespace sinkscope {

namespace {

std::string replaceAll(const std::string& text, const std::string& pattern, const std::string& content) {
  std::string out;
  std::size_t begin = 0;
  for (std::size_t at = text.find(pattern); at != std::string::npos; at = text.find(pattern, begin)) {
    out.append(text, begin, at - begin);
    out += content;
    begin = at + pattern.size();
  }
  out.append(text, begin, std::string::npos);
  return out;
}

// The byte of a "<0xXX>" piece, or -1.
int fallbackByte(const std::string& piece) {
  if (piece.size() != 6 || piece.compare(0, 3, "<0x") != 0 || piece[5] != '>') return -1;
  int value = 0;
  for (char c : piece.substr(3, 2)) {
    int digit = -1;
    if (c >= '0' && c <= '9') digit = c - '0';
    if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

std::string singleCharacter(const nlohmann::json& node, const char* name, const std::string& file,
                            const std::string& key) {
  const std::string text = TokenizerJson::string(node, name, file, key);
  std::size_t pos = 0;
  if (!text.empty()) Utf8::next(text, pos);
  if (text.empty() || pos != text.size()) {
    TokenizerJson::fail(file, TokenizerJson::join(key, name), "expected one character, found \"" + text + "\"");
  }
  return text;
}

}  // namespace

void Decoder::parse(const nlohmann::json& node, const std::string& file, const std::string& key,
                    std::vector<Step>& steps) {
  const std::string type = TokenizerJson::string(node, "type", file, key);
  if (type == "Sequence") {
    const nlohmann::json& list = TokenizerJson::member(node, "decoders", file, key);
    const std::string listKey = TokenizerJson::join(key, "decoders");
    if (!list.is_array()) {
      TokenizerJson::fail(file, listKey, "expected a list, found " + TokenizerJson::describe(list));
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      parse(list[i], file, listKey + "[" + std::to_string(i) + "]", steps);
    }
    return;
  }
  Step step;
  if (type == "ByteLevel") {
    step.kind = Kind::ByteLevel;
  } else if (type == "Replace") {
    step.kind = Kind::Replace;
    const nlohmann::json& pattern = TokenizerJson::member(node, "pattern", file, key);
    if (!pattern.is_object() || !pattern.contains("String") || !pattern["String"].is_string() ||
        pattern["String"].get<std::string>().empty()) {
      TokenizerJson::fail(file, TokenizerJson::join(key, "pattern"),
                          "only non-empty {\"String\": ...} patterns are supported, found " +
                              TokenizerJson::describe(pattern));
    }
    step.pattern = pattern["String"].get<std::string>();
    step.content = TokenizerJson::string(node, "content", file, key);
  } else if (type == "ByteFallback") {
    step.kind = Kind::ByteFallback;
  } else if (type == "Fuse") {
    step.kind = Kind::Fuse;
  } else if (type == "Strip") {
    step.kind = Kind::Strip;
    const std::string content = singleCharacter(node, "content", file, key);
    std::size_t pos = 0;
    step.stripChar = Utf8::next(content, pos);
    for (const char* name : {"start", "stop"}) {
      const nlohmann::json& value = TokenizerJson::member(node, name, file, key);
      if (!value.is_number_unsigned()) {
        TokenizerJson::fail(file, TokenizerJson::join(key, name),
                            "expected a count >= 0, found " + TokenizerJson::describe(value));
      }
      (std::string(name) == "start" ? step.start : step.stop) = value.get<std::size_t>();
    }
  } else if (type == "Metaspace") {
    step.kind = Kind::Metaspace;
    step.pattern = singleCharacter(node, "replacement", file, key);
    const auto scheme = node.find("prepend_scheme");
    const bool never = (scheme != node.end() && scheme->is_string() && scheme->get<std::string>() == "never") ||
                       !TokenizerJson::boolean(node, "add_prefix_space", true, file, key);
    step.dropFirst = !never;
  } else {
    TokenizerJson::fail(file, TokenizerJson::join(key, "type"), "unsupported decoder \"" + type + "\"");
  }
  steps.push_back(std::move(step));
}

Decoder Decoder::fromJson(const nlohmann::json& node, const std::string& file) {
  Decoder decoder;
  if (node.is_null()) return decoder;
  parse(node, file, "decoder", decoder.steps_);
  for (const Step& step : decoder.steps_) {
    if (step.kind == Kind::ByteLevel) decoder.byteLevel_ = true;
  }
  return decoder;
}

void Decoder::apply(const Step& step, std::vector<std::string>& pieces) {
  switch (step.kind) {
    case Kind::ByteLevel: {
      std::string bytes;
      for (const std::string& piece : pieces) {
        if (!ByteLevel::decode(piece, bytes)) bytes += piece;
      }
      pieces.assign(1, Utf8::lossy(bytes));
      return;
    }
    case Kind::Replace:
      for (std::string& piece : pieces) piece = replaceAll(piece, step.pattern, step.content);
      return;
    case Kind::ByteFallback: {
      std::vector<std::string> out;
      std::string bytes;
      auto flush = [&]() {
        if (bytes.empty()) return;
        if (Utf8::isValid(bytes)) {
          out.push_back(bytes);
        } else {
          for (std::size_t i = 0; i < bytes.size(); ++i) out.emplace_back("\xEF\xBF\xBD");
        }
        bytes.clear();
      };
      for (std::string& piece : pieces) {
        const int byte = fallbackByte(piece);
        if (byte >= 0) {
          bytes.push_back(static_cast<char>(byte));
        } else {
          flush();
          out.push_back(std::move(piece));
        }
      }
      flush();
      pieces.swap(out);
      return;
    }
    case Kind::Fuse: {
      std::string joined;
      for (const std::string& piece : pieces) joined += piece;
      pieces.assign(1, joined);
      return;
    }
    case Kind::Strip:
      for (std::string& piece : pieces) {
        std::vector<std::size_t> offsets;  // start of each character, then the end
        for (std::size_t pos = 0; pos < piece.size();) {
          offsets.push_back(pos);
          Utf8::next(piece, pos);
        }
        offsets.push_back(piece.size());
        const std::size_t count = offsets.size() - 1;
        auto charAt = [&](std::size_t i) {
          std::size_t pos = offsets[i];
          return Utf8::next(piece, pos);
        };
        std::size_t first = 0;
        while (first < step.start && first < count && charAt(first) == step.stripChar) ++first;
        std::size_t last = count;
        while (count - last < step.stop && last > first && charAt(last - 1) == step.stripChar) --last;
        piece = piece.substr(offsets[first], offsets[last] - offsets[first]);
      }
      return;
    case Kind::Metaspace:
      for (std::size_t i = 0; i < pieces.size(); ++i) {
        pieces[i] = replaceAll(pieces[i], step.pattern, i == 0 && step.dropFirst ? "" : " ");
      }
      return;
  }
}

std::string Decoder::decode(const std::vector<std::string>& tokens) const {
  std::string text;
  if (steps_.empty()) {
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      if (i > 0) text += ' ';
      text += tokens[i];
    }
    return text;
  }
  std::vector<std::string> pieces = tokens;
  for (const Step& step : steps_) apply(step, pieces);
  for (const std::string& piece : pieces) text += piece;
  return text;
}

std::string Decoder::display(const std::string& token) const {
  std::string text = token;
  for (const Step& step : steps_) {
    if (step.kind == Kind::Replace) text = replaceAll(text, step.pattern, step.content);
    if (step.kind == Kind::Metaspace) text = replaceAll(text, step.pattern, " ");
  }
  return text;
}

}  // namespace sinkscope
