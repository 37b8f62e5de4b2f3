#include "core/corpus/VisemeTable.h"

#include <map>

namespace sinkscope::corpus {

namespace {

using V = Viseme;

const std::map<std::string, std::vector<V>>& arpabetTable() {
  static const std::map<std::string, std::vector<V>> kTable = {
      {"pau", {V::Silence}}, {"sil", {V::Silence}}, {"h#", {V::Silence}}, {"", {V::Silence}},
      {"p", {V::Bilabial}}, {"b", {V::Bilabial}}, {"m", {V::Bilabial}}, {"em", {V::Bilabial}},
      {"f", {V::Labiodental}}, {"v", {V::Labiodental}},
      {"th", {V::Dental}}, {"dh", {V::Dental}},
      {"t", {V::Alveolar}}, {"d", {V::Alveolar}}, {"n", {V::Alveolar}}, {"l", {V::Alveolar}},
      {"en", {V::Alveolar}}, {"el", {V::Alveolar}}, {"dx", {V::Alveolar}}, {"nx", {V::Alveolar}},
      {"s", {V::Sibilant}}, {"z", {V::Sibilant}},
      {"sh", {V::Postalveolar}}, {"zh", {V::Postalveolar}}, {"ch", {V::Postalveolar}}, {"jh", {V::Postalveolar}},
      {"k", {V::Velar}}, {"g", {V::Velar}}, {"ng", {V::Velar}}, {"hh", {V::Velar}}, {"q", {V::Velar}},
      {"r", {V::Rhotic}}, {"er", {V::Rhotic}}, {"axr", {V::Rhotic}},
      {"w", {V::Glide}},
      {"iy", {V::Spread}}, {"ih", {V::Spread}}, {"ix", {V::Spread}}, {"y", {V::Spread}},
      {"eh", {V::Mid}}, {"ax", {V::Mid}}, {"ah", {V::Open}},
      {"aa", {V::Open}}, {"ae", {V::Open}},
      {"uw", {V::Round}}, {"uh", {V::Round}}, {"ao", {V::Round}}, {"ow", {V::Round}},
      {"ay", {V::Open, V::Spread}}, {"aw", {V::Open, V::Round}}, {"ey", {V::Mid, V::Spread}},
      {"oy", {V::Round, V::Spread}},
  };
  return kTable;
}

// espeak-ng's IPA names for English, after stress and length marks are removed.
const std::map<std::string, std::vector<V>>& ipaTable() {
  static const std::map<std::string, std::vector<V>> kTable = {
      {"", {V::Silence}},
      {"p", {V::Bilabial}}, {"b", {V::Bilabial}}, {"m", {V::Bilabial}},
      {"f", {V::Labiodental}}, {"v", {V::Labiodental}},
      {"θ", {V::Dental}}, {"ð", {V::Dental}},
      {"t", {V::Alveolar}}, {"d", {V::Alveolar}}, {"n", {V::Alveolar}}, {"l", {V::Alveolar}},
      {"ɾ", {V::Alveolar}}, {"ɫ", {V::Alveolar}}, {"n̩", {V::Alveolar}}, {"l̩", {V::Alveolar}},
      {"s", {V::Sibilant}}, {"z", {V::Sibilant}},
      {"ʃ", {V::Postalveolar}}, {"ʒ", {V::Postalveolar}}, {"tʃ", {V::Postalveolar}}, {"dʒ", {V::Postalveolar}},
      {"k", {V::Velar}}, {"ɡ", {V::Velar}}, {"g", {V::Velar}}, {"ŋ", {V::Velar}}, {"h", {V::Velar}},
      {"x", {V::Velar}}, {"ʔ", {V::Velar}}, {"ç", {V::Velar}},
      {"ɹ", {V::Rhotic}}, {"r", {V::Rhotic}}, {"ɚ", {V::Rhotic}}, {"ɝ", {V::Rhotic}}, {"ɜ", {V::Rhotic}},
      {"w", {V::Glide}}, {"ʍ", {V::Glide}},
      {"i", {V::Spread}}, {"ɪ", {V::Spread}}, {"j", {V::Spread}}, {"ᵻ", {V::Spread}}, {"ɨ", {V::Spread}},
      {"e", {V::Mid}}, {"ɛ", {V::Mid}}, {"ə", {V::Mid}}, {"ɐ", {V::Mid}},
      {"a", {V::Open}}, {"æ", {V::Open}}, {"ɑ", {V::Open}}, {"ʌ", {V::Open}},
      {"ɒ", {V::Round}}, {"ɔ", {V::Round}}, {"o", {V::Round}}, {"u", {V::Round}}, {"ʊ", {V::Round}},
      {"aɪ", {V::Open, V::Spread}}, {"aʊ", {V::Open, V::Round}}, {"eɪ", {V::Mid, V::Spread}},
      {"oʊ", {V::Round, V::Round}}, {"əʊ", {V::Mid, V::Round}}, {"ɔɪ", {V::Round, V::Spread}},
      {"ɪə", {V::Spread, V::Mid}}, {"eə", {V::Mid, V::Mid}}, {"ʊə", {V::Round, V::Mid}},
      {"iə", {V::Spread, V::Mid}}, {"ɛə", {V::Mid, V::Mid}}, {"ɑɹ", {V::Open, V::Rhotic}},
      {"ɔɹ", {V::Round, V::Rhotic}}, {"ɛɹ", {V::Mid, V::Rhotic}}, {"ɪɹ", {V::Spread, V::Rhotic}},
      {"ʊɹ", {V::Round, V::Rhotic}}, {"aɪɚ", {V::Open, V::Rhotic}}, {"aɪə", {V::Open, V::Mid}},
      {"aʊɚ", {V::Open, V::Rhotic}}, {"aʊə", {V::Open, V::Mid}},
  };
  return kTable;
}

// Stress, length and syllabicity marks do not change the lip shape.
std::string stripIpaMarks(const std::string& phone) {
  static const std::vector<std::string> kMarks = {"ˈ", "ˌ", "ː", "ˑ", "̃", "̩", "̯", "'", ",", ":"};
  std::string out = phone;
  for (const auto& mark : kMarks) {
    for (auto pos = out.find(mark); pos != std::string::npos; pos = out.find(mark)) out.erase(pos, mark.size());
  }
  return out;
}

std::string arpabetKey(const std::string& phone) {
  std::string key;
  for (char c : phone) {
    if (c >= '0' && c <= '9') continue;  // stress digits
    key += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return key;
}

}  // namespace

bool VisemeTable::isKnown(const std::string& phone, PhoneAlphabet alphabet) {
  if (alphabet == PhoneAlphabet::Arpabet) return arpabetTable().count(arpabetKey(phone)) != 0;
  const std::string key = stripIpaMarks(phone);
  if (ipaTable().count(key)) return true;
  // An unlisted cluster is known when its first symbol is.
  for (std::size_t len = key.size(); len > 0; --len)
    if (ipaTable().count(key.substr(0, len))) return true;
  return false;
}

std::vector<Viseme> VisemeTable::visemesOf(const std::string& phone, PhoneAlphabet alphabet) {
  if (alphabet == PhoneAlphabet::Arpabet) {
    const auto it = arpabetTable().find(arpabetKey(phone));
    return it == arpabetTable().end() ? std::vector<Viseme>{V::Mid} : it->second;
  }
  const std::string key = stripIpaMarks(phone);
  const auto it = ipaTable().find(key);
  if (it != ipaTable().end()) return it->second;
  // Longest listed prefix (UTF-8 bytes; a cut inside a character matches nothing).
  for (std::size_t len = key.size(); len > 0; --len) {
    const auto prefix = ipaTable().find(key.substr(0, len));
    if (prefix != ipaTable().end()) return prefix->second;
  }
  return {V::Mid};
}

std::vector<VisemeSegment> VisemeTable::segments(const std::vector<Phone>& phones, PhoneAlphabet alphabet) {
  std::vector<VisemeSegment> out;
  for (const auto& phone : phones) {
    const auto visemes = visemesOf(phone.symbol, alphabet);
    const double span = (phone.endSec - phone.startSec) / static_cast<double>(visemes.size());
    for (std::size_t i = 0; i < visemes.size(); ++i)
      out.push_back({visemes[i], phone.startSec + i * span, phone.startSec + (i + 1) * span});
  }
  return out;
}

MouthShape VisemeTable::target(Viseme viseme) {
  //                     opening jaw   width protr teeth tongue tuck
  switch (viseme) {
    case V::Silence:      return {0.02, 0.05, 0.00, 0.00, 0.0, 0.0, 0.0};
    case V::Bilabial:     return {0.00, 0.10, 0.00, 0.10, 0.0, 0.0, 0.0};
    case V::Labiodental:  return {0.12, 0.12, 0.10, 0.00, 0.9, 0.0, 1.0};
    case V::Dental:       return {0.25, 0.20, 0.10, 0.00, 0.7, 1.0, 0.0};
    case V::Alveolar:     return {0.25, 0.20, 0.10, 0.00, 0.5, 0.5, 0.0};
    case V::Sibilant:     return {0.12, 0.10, 0.35, 0.00, 1.0, 0.0, 0.0};
    case V::Postalveolar: return {0.20, 0.15, -0.50, 0.90, 0.7, 0.0, 0.0};
    case V::Velar:        return {0.30, 0.25, 0.05, 0.00, 0.3, 0.2, 0.0};
    case V::Rhotic:       return {0.22, 0.18, -0.40, 0.60, 0.3, 0.0, 0.0};
    case V::Glide:        return {0.10, 0.10, -0.90, 1.00, 0.0, 0.0, 0.0};
    case V::Open:         return {1.00, 0.95, 0.15, 0.00, 0.6, 0.3, 0.0};
    case V::Mid:          return {0.60, 0.50, 0.25, 0.00, 0.7, 0.2, 0.0};
    case V::Spread:       return {0.35, 0.22, 0.60, 0.00, 0.9, 0.1, 0.0};
    case V::Round:        return {0.50, 0.42, -0.70, 0.90, 0.2, 0.1, 0.0};
  }
  return {};
}

double VisemeTable::dominance(Viseme viseme) {
  switch (viseme) {
    case V::Bilabial: return 4.0;
    case V::Labiodental: return 2.5;
    case V::Glide: return 2.0;
    case V::Dental:
    case V::Postalveolar: return 1.5;
    case V::Sibilant:
    case V::Round: return 1.2;
    case V::Velar: return 0.4;  // lips follow the neighbours
    case V::Silence: return 0.6;
    default: return 1.0;
  }
}

std::string VisemeTable::name(Viseme viseme) {
  static const char* const kNames[kVisemeCount] = {"silence", "bilabial", "labiodental", "dental", "alveolar",
                                                   "sibilant", "postalveolar", "velar", "rhotic", "glide",
                                                   "open", "mid", "spread", "round"};
  return kNames[static_cast<int>(viseme)];
}

}  // namespace sinkscope::corpus
