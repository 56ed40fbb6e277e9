#include "contacts/phone.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <mutex>
#include <set>

#include <date/tz.h>
#include <phonenumbers/phonenumberutil.h>

namespace kirim::contacts {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

constexpr std::size_t kMaxInputLength = 64;

// Countries that span several zones, where the tz database's first zone is not where most people
// live. The rest take the first zone the system's zone.tab lists for them.
const std::map<std::string, std::string, std::less<>>& principal_zones() {
  static const std::map<std::string, std::string, std::less<>> zones = {
      {"AU", "Australia/Sydney"}, {"BR", "America/Sao_Paulo"}, {"CA", "America/Toronto"},
      {"RU", "Europe/Moscow"},    {"UA", "Europe/Kyiv"},       {"UZ", "Asia/Tashkent"},
      {"FM", "Pacific/Pohnpei"},  {"KZ", "Asia/Almaty"},       {"MX", "America/Mexico_City"},
      {"US", "America/New_York"}, {"ID", "Asia/Jakarta"},      {"CN", "Asia/Shanghai"}};
  return zones;
}

const std::map<std::string, std::string, std::less<>>& zone_tab() {
  static const auto table = [] {
    std::map<std::string, std::string, std::less<>> t;
    for (const char* path : {"/usr/share/zoneinfo/zone1970.tab", "/usr/share/zoneinfo/zone.tab"}) {
      std::ifstream in(path);
      std::string line;
      while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        // country(ies) \t coordinates \t zone [\t comment]; zone1970.tab lists several countries.
        const auto t1 = line.find('\t');
        const auto t2 = line.find('\t', t1 + 1);
        if (t1 == std::string::npos || t2 == std::string::npos) continue;
        const auto t3 = line.find('\t', t2 + 1);
        const std::string zone = line.substr(t2 + 1, t3 == std::string::npos ? t3 : t3 - t2 - 1);
        std::string countries = line.substr(0, t1);
        std::size_t start = 0;
        while (start < countries.size()) {
          auto comma = countries.find(',', start);
          if (comma == std::string::npos) comma = countries.size();
          t.emplace(countries.substr(start, comma - start), zone);  // the first one wins
          start = comma + 1;
        }
      }
    }
    return t;
  }();
  return table;
}

bool valid_e164(const PhoneNumberUtil& util, const PhoneNumber& number) {
  return util.IsValidNumber(number);
}

}  // namespace

Result<Phone> parse_phone(std::string_view input, std::string_view default_region) {
  const auto& util = *PhoneNumberUtil::GetInstance();
  if (input.size() > kMaxInputLength) {
    return make_error(Errc::invalid_argument, "is too long to be a phone number");
  }
  std::string text(input);
  text.erase(text.begin(), std::find_if(text.begin(), text.end(),
                                        [](unsigned char c) { return !std::isspace(c); }));
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.pop_back();
  if (text.empty()) return make_error(Errc::invalid_argument, "is empty");
  const bool has_plus = text[0] == '+' || text.starts_with("00");

  PhoneNumber number;
  bool parsed = false;
  const std::string region = default_region.empty() ? "ZZ" : std::string(default_region);
  if (util.Parse(text, region, &number) == PhoneNumberUtil::NO_PARSING_ERROR &&
      valid_e164(util, number)) {
    parsed = true;
  }
  if (!parsed && !has_plus) {
    // "6281234567890": an international number written without its +.
    std::string digits;
    for (char c : text) {
      if (c >= '0' && c <= '9') digits.push_back(c);
    }
    PhoneNumber intl;
    if (digits.size() >= 8 &&
        util.Parse("+" + digits, "ZZ", &intl) == PhoneNumberUtil::NO_PARSING_ERROR &&
        valid_e164(util, intl)) {
      number = intl;
      parsed = true;
    }
  }
  if (!parsed) {
    if (!has_plus && default_region.empty()) {
      return make_error(Errc::invalid_argument,
                        "is not a valid number; write it with its country code (+62...) or set "
                        "the workspace's default region");
    }
    return make_error(Errc::invalid_argument, "is not a valid phone number");
  }
  Phone out;
  util.Format(number, PhoneNumberUtil::E164, &out.e164);
  util.GetRegionCodeForNumber(number, &out.country);
  if (out.country == "ZZ" || out.country == "001") out.country.clear();
  out.timezone = country_timezone(out.country);
  return out;
}

std::string format_international(std::string_view e164) {
  const auto& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  if (util.Parse(std::string(e164), "ZZ", &number) != PhoneNumberUtil::NO_PARSING_ERROR) {
    return std::string(e164);
  }
  std::string out;
  util.Format(number, PhoneNumberUtil::INTERNATIONAL, &out);
  return out;
}

bool known_region(std::string_view region) {
  static const auto regions = [] {
    std::set<std::string> s;
    PhoneNumberUtil::GetInstance()->GetSupportedRegions(&s);
    return s;
  }();
  return regions.contains(std::string(region));
}

std::string country_timezone(std::string_view country) {
  if (auto it = principal_zones().find(country); it != principal_zones().end()) return it->second;
  if (auto it = zone_tab().find(country); it != zone_tab().end()) return it->second;
  return {};
}

bool valid_timezone(std::string_view zone) {
  if (zone.empty() || zone.size() > 64) return false;
  try {
    return date::locate_zone(zone) != nullptr;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace kirim::contacts
