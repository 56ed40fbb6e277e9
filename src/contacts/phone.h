#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

// Phone numbers as WhatsApp needs them: parsed, validated and normalised to E.164 with
// libphonenumber, with the country and a time zone derived from the number.
namespace kirim::contacts {

struct Phone {
  std::string e164;      // "+6281234567890"
  std::string country;   // ISO 3166 alpha-2, "ID"
  std::string timezone;  // IANA, the country's principal zone: "Asia/Jakarta"
};

// Reads a number as people write it ("0812-3456-7890", "+62 812 3456 7890", "6281234567890").
// Without a leading + it is read in default_region (ISO alpha-2, may be empty), and when that does
// not give a valid number, as an international number without its +. invalid_argument with a
// reason people understand otherwise. Thread-safe.
[[nodiscard]] Result<Phone> parse_phone(std::string_view input, std::string_view default_region);

// The number formatted for people, e.g. "+62 812-3456-7890"; the input when it cannot be parsed.
[[nodiscard]] std::string format_international(std::string_view e164);

// True for an ISO 3166 alpha-2 code that libphonenumber knows ("ID", "US"; upper case).
[[nodiscard]] bool known_region(std::string_view region);

// The principal IANA zone of a country ("" when unknown), and whether a zone name exists in the
// system's tz database.
[[nodiscard]] std::string country_timezone(std::string_view country);
[[nodiscard]] bool valid_timezone(std::string_view zone);

}  // namespace kirim::contacts
