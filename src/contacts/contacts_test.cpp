// Contacts on every back end: phone numbers, CRUD, filters and pages, bulk actions, fields, tags,
// consent, CSV reading, and imports and exports end to end.
#include "contacts/contacts.h"

#include <filesystem>
#include <fstream>
#include <future>
#include <set>
#include <thread>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>
#include <unistd.h>

#include "contacts/csv.h"
#include "contacts/filter.h"
#include "contacts/imports.h"
#include "contacts/phone.h"
#include "core/time_format.h"
#include "db/migrations.h"
#include "db/testing.h"

namespace kirim::contacts {
namespace {

namespace fs = std::filesystem;

TEST(Phone, ReadsCommonWritingsIntoE164WithCountryAndZone) {
  for (const char* in : {"+62 812-3456-7890", "+6281234567890", "6281234567890"}) {
    auto p = parse_phone(in, "");
    ASSERT_TRUE(p.ok()) << in << ": " << p.error().message;
    EXPECT_EQ(p->e164, "+6281234567890") << in;
    EXPECT_EQ(p->country, "ID");
    EXPECT_EQ(p->timezone, "Asia/Jakarta");
  }
  auto local = parse_phone("0812-3456-7890", "ID");
  ASSERT_TRUE(local.ok());
  EXPECT_EQ(local->e164, "+6281234567890");
  auto us = parse_phone("(415) 555-2671", "US");
  ASSERT_TRUE(us.ok());
  EXPECT_EQ(us->e164, "+14155552671");
  EXPECT_EQ(us->timezone, "America/New_York");
  EXPECT_EQ(parse_phone("+55 11 91234-5678", "")->timezone, "America/Sao_Paulo");
}

TEST(Phone, RefusesWhatIsNotANumberWithAReason) {
  for (const char* in : {"", "   ", "hello", "+1 555", "0812", "+999 1234567"}) {
    auto p = parse_phone(in, "ID");
    EXPECT_FALSE(p.ok()) << in;
  }
  auto no_region = parse_phone("0812-3456-7890", "");
  ASSERT_FALSE(no_region.ok());
  EXPECT_NE(no_region.error().message.find("country code"), std::string::npos);
  EXPECT_FALSE(parse_phone(std::string(100, '1'), "ID").ok());
}

TEST(Phone, KnowsRegionsAndZones) {
  EXPECT_TRUE(known_region("ID"));
  EXPECT_FALSE(known_region("XX"));
  EXPECT_TRUE(valid_timezone("Asia/Jakarta"));
  EXPECT_FALSE(valid_timezone("Mars/Olympus"));
  EXPECT_EQ(format_international("+6281234567890"), "+62 812-3456-7890");
}

TEST(Filter, ParsesEveryParameterAndRefusesBadOnes) {
  auto f = parse_filter(Params{{"q", "ana"},
                               {"tag", "vip"},
                               {"tag", "b"},
                               {"not_tag", "x"},
                               {"consent", "opted_in"},
                               {"created_after", "2026-01-01"},
                               {"field.age.gte", "18"},
                               {"field.city.contains", "jak"},
                               {"field.vip", "true"},
                               {"field.notes.exists", "false"},
                               {"limit", "5"}});
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(f->tags, (std::vector<std::string>{"vip", "b"}));
  ASSERT_EQ(f->fields.size(), 4u);
  EXPECT_EQ(f->fields[0].op, FieldCondition::Op::gte);
  EXPECT_EQ(f->fields[0].key, "age");
  EXPECT_EQ(f->fields[2].op, FieldCondition::Op::eq);
  EXPECT_TRUE(f->created_after.has_value());
  EXPECT_FALSE(parse_filter(Params{{"consent", "maybe"}}).ok());
  EXPECT_FALSE(parse_filter(Params{{"created_after", "yesterday"}}).ok());
  EXPECT_FALSE(parse_filter(Params{{"field.Bad-Key", "1"}}).ok());
  EXPECT_FALSE(parse_filter(Params{{"field.a.exists", "maybe"}}).ok());
  auto bad_json = parse_filter(boost::json::object{{"nope", 1}});
  ASSERT_FALSE(bad_json.ok());
  EXPECT_TRUE(bad_json.error().details.contains("filter.nope"));
  EXPECT_TRUE(parse_filter(boost::json::object{{"tag", boost::json::array{"a", "b"}}}).ok());
}

TEST(Filter, KeysAndValuesFollowTheirFieldType) {
  EXPECT_EQ(key_from_label("Last order (date)"), "last_order_date");
  EXPECT_EQ(key_from_label("2nd phone"), "f_2nd_phone");
  EXPECT_TRUE(valid_field_key("city"));
  EXPECT_FALSE(valid_field_key("City"));
  Field num{1, "age", "Age", FieldType::number, {}, 0};
  EXPECT_DOUBLE_EQ(*coerce_text(num, "31.5")->number, 31.5);
  EXPECT_FALSE(coerce_text(num, "thirty").ok());
  Field b{2, "vip", "VIP", FieldType::boolean, {}, 0};
  EXPECT_DOUBLE_EQ(*coerce_text(b, "Yes")->number, 1);
  EXPECT_DOUBLE_EQ(*coerce_value(b, boost::json::value(false))->number, 0);
  EXPECT_FALSE(coerce_text(b, "perhaps").ok());
  Field d{3, "joined", "Joined", FieldType::date, {}, 0};
  EXPECT_EQ(*coerce_text(d, "2024-02-29")->text, "2024-02-29");
  EXPECT_FALSE(coerce_text(d, "2023-02-29").ok());
  EXPECT_FALSE(coerce_text(d, "29/02/2024").ok());
  Field c{4, "plan", "Plan", FieldType::choice, {"gold", "silver"}, 0};
  EXPECT_TRUE(coerce_text(c, "gold").ok());
  EXPECT_FALSE(coerce_text(c, "bronze").ok());
  EXPECT_FALSE(coerce_value(num, boost::json::value(true)).ok());
}

TEST(Csv, ReadsQuotedFieldsBomDelimitersAndSkipsEmptyLines) {
  const auto path = fs::temp_directory_path() / "kirim-csv-test.csv";
  {
    std::ofstream out(path, std::ios::binary);
    out << "\xEF\xBB\xBF"
        << "phone;name;note\r\n"
        << "+6281;\"Ana; the first\";\"line one\nline two\"\r\n"
        << "\r\n"
        << "  +6282 ;Budi;\"say \"\"hi\"\"\"\n";
  }
  EXPECT_EQ(detect_delimiter("a;b;c\n1;2;3\n"), ';');
  EXPECT_EQ(detect_delimiter("a,b\n\"x;y;z\",2\n"), ',');
  EXPECT_EQ(detect_delimiter("a\tb\tc\n"), '\t');
  auto r = CsvReader::open(path.string(), ';');
  ASSERT_TRUE(r.ok());
  std::vector<std::string> rec;
  std::int64_t n = 0;
  ASSERT_TRUE(*(*r)->next(rec, n));
  EXPECT_EQ(rec, (std::vector<std::string>{"phone", "name", "note"}));
  ASSERT_TRUE(*(*r)->next(rec, n));
  EXPECT_EQ(rec, (std::vector<std::string>{"+6281", "Ana; the first", "line one\nline two"}));
  ASSERT_TRUE(*(*r)->next(rec, n));
  EXPECT_EQ(n, 3);
  EXPECT_EQ(rec, (std::vector<std::string>{"+6282", "Budi", "say \"hi\""}));
  EXPECT_FALSE(*(*r)->next(rec, n));
  fs::remove(path);
}

TEST(Csv, WritesQuotedLinesAndDefusesFormulas) {
  EXPECT_EQ(csv_line({"a", "b,c", "say \"hi\""}), "a,\"b,c\",\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_line({"+6281234567890", "-3.5"}), "+6281234567890,-3.5");
  EXPECT_EQ(csv_line({"=HYPERLINK(\"x\")"}), "\"'=HYPERLINK(\"\"x\"\")\"");
  EXPECT_EQ(csv_line({"+SUM(A1)"}), "\"'+SUM(A1)\"");
}

class ContactsTest : public ::testing::TestWithParam<db::Dialect> {
 protected:
  void SetUp() override {
    temp_ = std::make_unique<db::testing::TempDatabase>(GetParam());
    ASSERT_TRUE(db::migrate(db()).ok());
    ws_ = new_workspace("Acme");
    other_ws_ = new_workspace("Other");
    contacts_ = std::make_unique<Contacts>(db(), clock_);
  }
  db::Database& db() { return temp_->db(); }
  std::int64_t new_workspace(const std::string& name) {
    auto r = db().write_query(
        "INSERT INTO workspaces (name, created_at) VALUES ($1, 1) RETURNING id", {name});
    EXPECT_TRUE(r.ok());
    return r->integer(0, "id");
  }
  Contact make(const std::string& phone, const std::string& name,
               std::vector<std::string> tags = {}, std::int64_t ws = 0) {
    ContactInput in;
    in.phone = phone;
    in.name = name;
    in.tags = std::move(tags);
    auto c = contacts_->create(ws ? ws : ws_, in);
    EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message);
    clock_.advance(std::chrono::milliseconds(1000));
    return c.ok() ? c.value() : Contact{};
  }
  std::vector<std::string> names(const ListQuery& q) {
    auto page = contacts_->list(ws_, q);
    EXPECT_TRUE(page.ok()) << (page.ok() ? "" : page.error().message);
    std::vector<std::string> out;
    if (page.ok()) {
      for (const auto& c : page->items)
        out.push_back(c.name);
    }
    return out;
  }
  std::int64_t rows(const std::string& table) {
    return db().query("SELECT COUNT(*) AS n FROM " + table)->integer(0, "n");
  }

  ManualClock clock_;
  std::unique_ptr<db::testing::TempDatabase> temp_;
  std::unique_ptr<Contacts> contacts_;
  std::int64_t ws_ = 0, other_ws_ = 0;
};

TEST_P(ContactsTest, CreateStoresEverythingAndReadsItBack) {
  ASSERT_TRUE(contacts_->create_field(ws_, "", "City", FieldType::text, {}).ok());
  ASSERT_TRUE(contacts_->create_field(ws_, "", "Age", FieldType::number, {}).ok());
  ContactInput in;
  in.phone = "+62 812 3456 7890";
  in.name = "  Ana  ";
  in.language = "id";
  in.tags = std::vector<std::string>{"vip", "jakarta", "vip"};
  in.fields = {{"city", "Jakarta"}, {"age", 31}};
  in.consent = Consent::opted_in;
  auto c = contacts_->create(ws_, in, "web");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->phone, "+6281234567890");
  EXPECT_EQ(c->name, "Ana");
  EXPECT_EQ(c->country, "ID");
  EXPECT_EQ(c->timezone, "Asia/Jakarta");
  EXPECT_EQ(c->tags, (std::vector<std::string>{"jakarta", "vip"}));
  EXPECT_EQ(c->fields.at("city").as_string(), "Jakarta");
  EXPECT_EQ(c->fields.at("age").as_int64(), 31);
  EXPECT_EQ(c->consent, Consent::opted_in);
  EXPECT_EQ(c->consent_source, "web");
  auto history = contacts_->consent_history(ws_, c->id);
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ(history->at(0).source, "web");
}

TEST_P(ContactsTest, DuplicateNumbersConflictAndNameTheExistingContact) {
  auto a = make("+6281234567890", "Ana");
  ContactInput in;
  in.phone = "6281234567890";
  auto dup = contacts_->create(ws_, in);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, Errc::conflict);
  EXPECT_EQ(dup.error().details.at("id"), std::to_string(a.id));
  // The same number in another workspace is another contact.
  EXPECT_TRUE(contacts_->create(other_ws_, in).ok());
}

TEST_P(ContactsTest, BadInputChangesNothingAndNamesEveryProblem) {
  ASSERT_TRUE(contacts_->create_field(ws_, "", "Age", FieldType::number, {}).ok());
  ContactInput in;
  in.phone = "not a phone";
  in.country = "XX";
  in.timezone = "Mars/Base";
  in.tags = std::vector<std::string>{"bad<tag>"};
  in.fields = {{"age", "old"}, {"nope", 1}};
  auto r = contacts_->create(ws_, in);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::invalid_argument);
  for (const char* k : {"phone", "country", "timezone", "tags", "fields.age", "fields.nope"}) {
    EXPECT_TRUE(r.error().details.contains(k)) << k;
  }
  EXPECT_EQ(rows("contacts"), 0);
  EXPECT_EQ(rows("tags"), 0);
}

TEST_P(ContactsTest, UpdateMergesFieldsReplacesTagsAndRecordsConsent) {
  ASSERT_TRUE(contacts_->create_field(ws_, "", "City", FieldType::text, {}).ok());
  ASSERT_TRUE(contacts_->create_field(ws_, "", "Plan", FieldType::choice, {"gold", "silver"}).ok());
  ContactInput in;
  in.phone = "+6281234567890";
  in.fields = {{"city", "Jakarta"}, {"plan", "gold"}};
  in.tags = std::vector<std::string>{"a", "b"};
  auto c = contacts_->create(ws_, in);
  ASSERT_TRUE(c.ok());
  ContactInput patch;
  patch.fields = {{"city", nullptr}, {"plan", "silver"}};
  patch.tags = std::vector<std::string>{"c"};
  patch.consent = Consent::opted_out;
  patch.name = "Ana";
  auto u = contacts_->update(ws_, c->id, patch, "api");
  ASSERT_TRUE(u.ok()) << u.error().message;
  EXPECT_EQ(u->name, "Ana");
  EXPECT_FALSE(u->fields.contains("city"));
  EXPECT_EQ(u->fields.at("plan").as_string(), "silver");
  EXPECT_EQ(u->tags, (std::vector<std::string>{"c"}));
  EXPECT_EQ(u->consent, Consent::opted_out);
  EXPECT_EQ(contacts_->consent_history(ws_, c->id)->size(), 1u);
  // A bad value in a patch changes nothing at all.
  ContactInput bad;
  bad.name = "Changed";
  bad.fields = {{"plan", "bronze"}};
  EXPECT_FALSE(contacts_->update(ws_, c->id, bad).ok());
  EXPECT_EQ(contacts_->get(ws_, c->id)->name, "Ana");
  // Another workspace cannot see or change it.
  EXPECT_EQ(contacts_->get(other_ws_, c->id).error().code, Errc::not_found);
  EXPECT_EQ(contacts_->update(other_ws_, c->id, patch).error().code, Errc::not_found);
  EXPECT_EQ(contacts_->remove(other_ws_, c->id).error().code, Errc::not_found);
  EXPECT_TRUE(contacts_->remove(ws_, c->id).ok());
  EXPECT_EQ(rows("contact_values"), 0);
  EXPECT_EQ(rows("contact_tags"), 0);
}

TEST_P(ContactsTest, FiltersSelectExactlyTheMatchingContacts) {
  ASSERT_TRUE(contacts_->create_field(ws_, "", "Age", FieldType::number, {}).ok());
  ASSERT_TRUE(contacts_->create_field(ws_, "", "City", FieldType::text, {}).ok());
  ASSERT_TRUE(contacts_->create_field(ws_, "", "Joined", FieldType::date, {}).ok());
  struct P {
    const char* phone;
    const char* name;
    std::vector<std::string> tags;
    int age;
    const char* city;
    const char* joined;
  };
  const std::vector<P> people = {
      {"+6281200000001", "Ana", {"vip"}, 20, "Jakarta", "2024-01-10"},
      {"+6281200000002", "Budi", {"vip", "late"}, 35, "Bandung", "2024-03-01"},
      {"+14155552671", "Cara", {}, 50, "San Jose", "2023-12-31"},
      {"+6281300000004", "Dewi", {"late"}, 17, "jakarta barat", ""}};
  const auto start = clock_.now_ms();
  for (const auto& p : people) {
    ContactInput in;
    in.phone = p.phone;
    in.name = p.name;
    in.tags = p.tags;
    in.fields = {{"age", p.age}, {"city", p.city}};
    if (*p.joined) in.fields["joined"] = p.joined;
    ASSERT_TRUE(contacts_->create(ws_, in).ok());
    clock_.advance(std::chrono::milliseconds(1000));
  }
  make("+6281299999999", "Elsewhere", {"vip"}, other_ws_);
  auto q = [&](Params params) {
    ListQuery lq;
    auto f = parse_filter(params);
    EXPECT_TRUE(f.ok());
    lq.filter = *f;
    lq.sort = {SortKey::name, false};
    return names(lq);
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(q({}), (V{"Ana", "Budi", "Cara", "Dewi"}));
  EXPECT_EQ(q({{"tag", "vip"}}), (V{"Ana", "Budi"}));
  EXPECT_EQ(q({{"tag", "vip"}, {"tag", "late"}}), (V{"Budi"}));
  EXPECT_EQ(q({{"not_tag", "late"}}), (V{"Ana", "Cara"}));
  EXPECT_EQ(q({{"field.age.gte", "20"}, {"field.age.lte", "35"}}), (V{"Ana", "Budi"}));
  EXPECT_EQ(q({{"field.city.contains", "JAKARTA"}}), (V{"Ana", "Dewi"}));
  EXPECT_EQ(q({{"field.city", "Jakarta"}}), (V{"Ana"}));
  EXPECT_EQ(q({{"field.joined.gte", "2024-01-01"}}), (V{"Ana", "Budi"}));
  EXPECT_EQ(q({{"field.joined.exists", "false"}}), (V{"Dewi"}));
  EXPECT_EQ(q({{"q", "an"}}), (V{"Ana"}));
  EXPECT_EQ(q({{"q", "+62812"}}), (V{"Ana", "Budi"}));
  EXPECT_EQ(q({{"q", "1415"}}), (V{"Cara"}));
  EXPECT_EQ(q({{"created_before", iso8601_utc(start + 2500)}}), (V{"Ana", "Budi"}));
  ListQuery by_phone;
  by_phone.filter.phone = "+1 415-555-2671";
  EXPECT_EQ(names(by_phone), (V{"Cara"}));
  // Filters that cannot work are refused with the parameter named.
  ListQuery bad;
  bad.filter = *parse_filter(Params{{"field.city.gte", "5"}});
  auto r = contacts_->list(ws_, bad);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().details.contains("field.city.gte"));
  bad.filter = *parse_filter(Params{{"field.unknown", "5"}});
  EXPECT_FALSE(contacts_->list(ws_, bad).ok());
  bad.filter = *parse_filter(Params{{"field.age", "many"}});
  EXPECT_FALSE(contacts_->list(ws_, bad).ok());
}

TEST_P(ContactsTest, PagesVisitEveryContactOnceInSortOrder) {
  const int n = 57;
  for (int i = 0; i < n; ++i) {
    // Names repeat so that the id breaks ties.
    make("+62812000" + std::to_string(10000 + i), "Name " + std::to_string(i % 5));
  }
  for (auto key : {SortKey::created_at, SortKey::name, SortKey::phone}) {
    for (bool desc : {false, true}) {
      ListQuery q;
      q.sort = {key, desc};
      q.limit = 10;
      q.count = true;
      std::vector<Contact> seen;
      for (int pages = 0; pages < 20; ++pages) {
        auto page = contacts_->list(ws_, q);
        ASSERT_TRUE(page.ok()) << page.error().message;
        if (pages == 0) {
          EXPECT_EQ(*page->total, n);
        }
        seen.insert(seen.end(), page->items.begin(), page->items.end());
        if (page->next_cursor.empty()) break;
        q.cursor = page->next_cursor;
        q.count = false;
      }
      ASSERT_EQ(seen.size(), static_cast<std::size_t>(n));
      std::set<std::int64_t> ids;
      for (const auto& c : seen)
        ids.insert(c.id);
      EXPECT_EQ(ids.size(), seen.size());
      for (std::size_t i = 1; i < seen.size(); ++i) {
        auto key_of = [&](const Contact& c) {
          return key == SortKey::name ? c.name : key == SortKey::phone ? c.phone : std::string();
        };
        const auto& a = seen[i - 1];
        const auto& b = seen[i];
        if (key == SortKey::created_at) {
          EXPECT_TRUE(desc ? std::tie(a.created_at, a.id) > std::tie(b.created_at, b.id)
                           : std::tie(a.created_at, a.id) < std::tie(b.created_at, b.id));
        } else {
          const auto ka = key_of(a), kb = key_of(b);
          EXPECT_TRUE(desc ? std::tie(ka, a.id) > std::tie(kb, b.id)
                           : std::tie(ka, a.id) < std::tie(kb, b.id));
        }
      }
    }
  }
  ListQuery bad;
  bad.cursor = "garbage";
  EXPECT_EQ(contacts_->list(ws_, bad).error().code, Errc::invalid_argument);
}

TEST_P(ContactsTest, BulkActionsApplyToTheSelectionOnly) {
  for (int i = 0; i < 30; ++i) {
    make("+62812000" + std::to_string(20000 + i), "P" + std::to_string(i),
         i % 2 ? std::vector<std::string>{"odd"} : std::vector<std::string>{});
  }
  make("+6281299999999", "Elsewhere", {"odd"}, other_ws_);
  Filter odd;
  odd.tags = {"odd"};
  EXPECT_EQ(*contacts_->bulk(ws_, BulkAction::tag, {"new"}, odd), 15);
  EXPECT_EQ(*contacts_->bulk(ws_, BulkAction::tag, {"new"}, odd), 0);  // already tagged
  Filter tagged_new;
  tagged_new.tags = {"new"};
  EXPECT_EQ(*contacts_->count(ws_, tagged_new), 15);
  EXPECT_EQ(*contacts_->bulk(ws_, BulkAction::opt_out, {}, odd), 15);
  Filter out;
  out.consent = Consent::opted_out;
  EXPECT_EQ(*contacts_->count(ws_, out), 15);
  EXPECT_EQ(*contacts_->bulk(ws_, BulkAction::untag, {"new"}, odd), 15);
  EXPECT_EQ(*contacts_->count(ws_, tagged_new), 0);
  EXPECT_EQ(*contacts_->bulk(ws_, BulkAction::remove, {}, odd), 15);
  EXPECT_EQ(*contacts_->count(ws_, Filter{}), 15);
  EXPECT_EQ(*contacts_->count(other_ws_, Filter{}), 1);
  EXPECT_FALSE(contacts_->bulk(ws_, BulkAction::tag, {}, Filter{}).ok());
}

TEST_P(ContactsTest, FieldsAndTagsHaveUniqueNamesAndCleanUpAfterThemselves) {
  auto f = contacts_->create_field(ws_, "", "Favourite colour", FieldType::choice, {"red", "blue"});
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->key, "favourite_colour");
  EXPECT_EQ(
      contacts_->create_field(ws_, "favourite_colour", "Other", FieldType::text, {}).error().code,
      Errc::conflict);
  EXPECT_FALSE(contacts_->create_field(ws_, "phone", "Phone", FieldType::text, {}).ok());
  EXPECT_FALSE(contacts_->create_field(ws_, "", "Empty choice", FieldType::choice, {}).ok());
  EXPECT_TRUE(
      contacts_->create_field(other_ws_, "favourite_colour", "Mine", FieldType::text, {}).ok());
  ContactInput in;
  in.phone = "+6281234567890";
  in.fields = {{"favourite_colour", "red"}};
  in.tags = std::vector<std::string>{"x"};
  ASSERT_TRUE(contacts_->create(ws_, in).ok());
  EXPECT_TRUE(contacts_->update_field(ws_, f->id, std::string("Colour"), std::nullopt).ok());
  EXPECT_TRUE(contacts_->delete_field(ws_, f->id).ok());
  EXPECT_EQ(rows("contact_values"), 0);
  auto tags = contacts_->tags(ws_);
  ASSERT_EQ(tags->size(), 1u);
  EXPECT_EQ(tags->at(0).contacts, 1);
  EXPECT_TRUE(contacts_->create_tag(ws_, "y").ok());
  EXPECT_EQ(contacts_->create_tag(ws_, "y").error().code, Errc::conflict);
  EXPECT_EQ(contacts_->rename_tag(ws_, tags->at(0).id, "y").error().code, Errc::conflict);
  EXPECT_TRUE(contacts_->rename_tag(ws_, tags->at(0).id, "z").ok());
  EXPECT_TRUE(contacts_->delete_tag(ws_, tags->at(0).id).ok());
  EXPECT_EQ(rows("contact_tags"), 0);
}

TEST_P(ContactsTest, WorkspaceSettingsDecideHowLocalNumbersAreRead) {
  ContactInput in;
  in.phone = "0812-3456-7890";
  EXPECT_FALSE(contacts_->create(ws_, in).ok());
  EXPECT_FALSE(contacts_->update_settings(ws_, std::string("XX"), std::nullopt, std::nullopt).ok());
  ASSERT_TRUE(contacts_
                  ->update_settings(ws_, std::string("id"),
                                    std::vector<std::string>{"stop", "Berhenti", "STOP"},
                                    std::nullopt)
                  .ok());
  auto s = contacts_->settings(ws_);
  EXPECT_EQ(s->default_region, "ID");
  EXPECT_EQ(s->opt_out_keywords, (std::vector<std::string>{"STOP", "BERHENTI"}));
  EXPECT_EQ(contacts_->create(ws_, in)->phone, "+6281234567890");
}

// Imports ------------------------------------------------------------------------------------

class ImportsTest : public ContactsTest {
 protected:
  void SetUp() override {
    ContactsTest::SetUp();
    dir_ = fs::temp_directory_path() /
           ("kirim-imports-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    imports_.reset();
    fs::remove_all(dir_);
  }
  void start_imports(std::function<void(const Import&)> on_progress = {}) {
    imports_ = std::make_unique<Imports>(
        db(), clock_, *contacts_, dir_.string(),
        [this, on_progress](std::int64_t, std::string_view, const Import* i, const Export* e) {
          std::lock_guard lock(mu_);
          if (i) {
            events_.push_back(*i);
            if (on_progress) on_progress(*i);
          }
          if (e) exports_.push_back(*e);
          cv_.notify_all();
        });
    imports_->start();
  }
  // Uploads `csv` in chunks of `chunk` bytes and returns the import in `mapping`.
  Import upload(const std::string& csv, std::size_t chunk = 1000) {
    auto imp = imports_->create(ws_, 1, "people.csv", static_cast<std::int64_t>(csv.size()));
    EXPECT_TRUE(imp.ok());
    for (std::size_t off = 0; off < csv.size(); off += chunk) {
      auto r = imports_->append(ws_, imp->id, static_cast<std::int64_t>(off),
                                std::string_view(csv).substr(off, chunk));
      EXPECT_TRUE(r.ok()) << r.error().message;
      imp = r;
    }
    return *imp;
  }
  Import wait_done(std::int64_t id) {
    for (int i = 0; i < 2000; ++i) {
      auto imp = imports_->get(ws_, id);
      if (imp->state == "completed" || imp->state == "failed" || imp->state == "cancelled") {
        return *imp;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "import did not finish";
    return {};
  }
  static std::string people(int n, int first = 0) {
    std::string csv = "Phone,Name,Age,Tags\n";
    for (int i = first; i < first + n; ++i) {
      csv += "+62812" + std::to_string(10000000 + i) + ",Person " + std::to_string(i) + "," +
             std::to_string(i % 90) + ",\"t" + std::to_string(i % 3) + ";all\"\n";
    }
    return csv;
  }

  static inline int counter_ = 0;
  fs::path dir_;
  std::unique_ptr<Imports> imports_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Import> events_;
  std::vector<Export> exports_;
};

TEST_P(ImportsTest, UploadChecksOffsetsAndPreviewSuggestsTheMapping) {
  start_imports();
  const std::string csv = people(30);
  auto imp = imports_->create(ws_, 1, "people.csv", static_cast<std::int64_t>(csv.size()));
  ASSERT_TRUE(imp.ok());
  auto wrong = imports_->append(ws_, imp->id, 5, std::string_view(csv).substr(0, 100));
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, Errc::conflict);
  EXPECT_EQ(wrong.error().details.at("bytes_received"), "0");
  ASSERT_TRUE(imports_->append(ws_, imp->id, 0, std::string_view(csv).substr(0, 100)).ok());
  // A retried chunk is refused with where the upload stands, so the client can resume.
  EXPECT_EQ(imports_->append(ws_, imp->id, 0, std::string_view(csv).substr(0, 100))
                .error()
                .details.at("bytes_received"),
            "100");
  EXPECT_FALSE(imports_->append(ws_, imp->id, 100, csv + "more").ok());  // past the size
  auto done = imports_->append(ws_, imp->id, 100, std::string_view(csv).substr(100));
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->state, "mapping");
  auto preview = boost::json::parse(done->preview_json).as_object();
  EXPECT_TRUE(preview.at("has_header").as_bool());
  EXPECT_EQ(preview.at("rows").as_array().size(), static_cast<std::size_t>(kPreviewRows));
  auto m = preview.at("suggested_mapping").as_array();
  EXPECT_EQ(m[0].at("target").as_string(), "phone");
  EXPECT_EQ(m[1].at("target").as_string(), "name");
  EXPECT_EQ(m[2].at("target").as_string(), "ignore");
  EXPECT_EQ(m[3].at("target").as_string(), "tags");
  // Starting needs exactly one phone column and known targets; nothing starts otherwise.
  ImportSettings s;
  s.mapping = {{1, "name"}};
  auto r = imports_->start_import(ws_, imp->id, s, {});
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().details.contains("mapping"));
  s.mapping = {{0, "phone"}, {2, "field:nope"}, {9, "name"}};
  r = imports_->start_import(ws_, imp->id, s, {});
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().details.contains("mapping.2"));
  EXPECT_TRUE(r.error().details.contains("mapping.9"));
  EXPECT_EQ(imports_->get(ws_, imp->id)->state, "mapping");
}

TEST_P(ImportsTest, ImportCountsEveryRowAndReportsBadOnesByLine) {
  start_imports();
  std::string csv = people(2500);
  csv += "not-a-number,Bad Phone,3,\n";                             // line 2502
  csv += "+6281299999999,Bad Age,old,\n";                           // line 2503
  csv += "+62812" + std::to_string(10000000 + 7) + ",Again,40,\n";  // a number seen above
  auto imp = upload(csv, 4096);
  ImportSettings s;
  s.mapping = {{0, "phone"}, {1, "name"}, {3, "tags"}};
  s.tags = {"nov leads"};
  s.consent = Consent::opted_in;
  ASSERT_TRUE(imports_->start_import(ws_, imp.id, s, {{2, "Age", FieldType::number, {}}}).ok());
  auto done = wait_done(imp.id);
  EXPECT_EQ(done.state, "completed") << done.error;
  EXPECT_EQ(done.progress.rows, 2503);
  EXPECT_EQ(done.progress.created, 2500);
  EXPECT_EQ(done.progress.updated, 1);
  EXPECT_EQ(done.progress.failed, 2);
  EXPECT_EQ(rows("contacts"), 2500);
  auto report = imports_->errors_csv(ws_, imp.id);
  ASSERT_TRUE(report.ok());
  EXPECT_NE(report->find("2502,\"phone: is not a valid"), std::string::npos) << *report;
  EXPECT_NE(report->find("2503,Age: must be a number"), std::string::npos) << *report;
  Filter f;
  f.tags = {"nov leads", "t1"};
  EXPECT_EQ(*contacts_->count(ws_, f), 833);
  f = *parse_filter(Params{{"field.age.gte", "80"}});
  EXPECT_EQ(*contacts_->count(ws_, f), 2500 / 90 * 10 + std::min(10, std::max(0, 2500 % 90 - 80)));
  auto again = contacts_->find_by_phone(ws_, "+62812" + std::to_string(10000000 + 7));
  ASSERT_TRUE(again.ok() && again->has_value());
  EXPECT_EQ((*again)->name, "Again");
  EXPECT_EQ((*again)->fields.at("age").as_int64(), 40);
  EXPECT_EQ((*again)->consent, Consent::opted_in);
  EXPECT_EQ(rows("consent_events"), 2500);
  // Progress was published, and the last event is the completion (published right after the
  // state commits, which wait_done may see first).
  std::unique_lock lock(mu_);
  EXPECT_TRUE(cv_.wait_for(lock, std::chrono::seconds(10), [&] {
    return !events_.empty() && events_.back().state == "completed";
  })) << (events_.empty() ? "no event" : events_.back().state);
}

TEST_P(ImportsTest, SkipLeavesExistingContactsAlone) {
  start_imports();
  make("+6281210000001", "Original");
  auto imp = upload(people(5));
  ImportSettings s;
  s.mapping = {{0, "phone"}, {1, "name"}};
  s.dedupe = Dedupe::skip;
  ASSERT_TRUE(imports_->start_import(ws_, imp.id, s, {}).ok());
  auto done = wait_done(imp.id);
  EXPECT_EQ(done.progress.created, 4);
  EXPECT_EQ(done.progress.skipped, 1);
  EXPECT_EQ((*contacts_->find_by_phone(ws_, "+6281210000001"))->name, "Original");
}

TEST_P(ImportsTest, AStoppedImportResumesAfterItsLastBatchWithoutDoubles) {
  const int n = 5 * static_cast<int>(kImportBatchRows) + 123;
  start_imports([this](const Import&) { imports_->request_stop(); });
  auto imp = upload(people(n), 1 << 20);
  ImportSettings s;
  s.mapping = {{0, "phone"}, {1, "name"}, {3, "tags"}};
  ASSERT_TRUE(imports_->start_import(ws_, imp.id, s, {}).ok());
  {
    std::unique_lock lock(mu_);
    ASSERT_TRUE(cv_.wait_for(lock, std::chrono::seconds(30), [&] { return !events_.empty(); }));
  }
  imports_->stop();
  auto mid = imports_->get(ws_, imp.id);
  EXPECT_EQ(mid->state, "running");
  EXPECT_GT(mid->progress.rows, 0);
  EXPECT_LT(mid->progress.rows, n);
  EXPECT_EQ(rows("contacts"), mid->progress.rows);  // the batch and its progress commit together
  imports_.reset();
  start_imports();
  auto done = wait_done(imp.id);
  EXPECT_EQ(done.state, "completed");
  EXPECT_EQ(done.progress.rows, n);
  EXPECT_EQ(done.progress.created, n);
  EXPECT_EQ(rows("contacts"), n);
}

TEST_P(ImportsTest, CancelStopsTheImportAndKeepsWhatWasImported) {
  start_imports();
  auto imp = upload(people(50));
  EXPECT_EQ(imports_->cancel(ws_, imp.id)->state, "cancelled");
  ImportSettings s;
  s.mapping = {{0, "phone"}};
  EXPECT_EQ(imports_->start_import(ws_, imp.id, s, {}).error().code, Errc::conflict);
  EXPECT_EQ(rows("contacts"), 0);
}

TEST_P(ImportsTest, ExportWritesTheFilteredContactsAsCsv) {
  start_imports();
  ASSERT_TRUE(contacts_->create_field(ws_, "", "City", FieldType::text, {}).ok());
  for (int i = 0; i < 25; ++i) {
    ContactInput in;
    in.phone = "+62812" + std::to_string(30000000 + i);
    in.name = i == 0 ? "=cmd|' /C calc'!A0" : "P" + std::to_string(i);
    in.tags = std::vector<std::string>{i % 2 ? "odd" : "even"};
    in.fields = {{"city", "Jakarta, Indonesia"}};
    ASSERT_TRUE(contacts_->create(ws_, in).ok());
  }
  auto e = imports_->create_export(ws_, 1, boost::json::object{{"tag", "even"}}, "");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->total, 13);
  for (int i = 0; i < 1000 && imports_->get_export(ws_, e->id)->state != "completed"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  auto path = imports_->export_path(ws_, e->id);
  ASSERT_TRUE(path.ok());
  std::ifstream in(*path);
  std::string header;
  std::getline(in, header);
  EXPECT_EQ(header,
            "phone,name,language,country,timezone,consent,consent_source,tags,created_at,"
            "last_inbound_at,last_outbound_at,city");
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);)
    lines.push_back(l);
  ASSERT_EQ(lines.size(), 13u);
  EXPECT_EQ(lines[0].rfind("+6281230000000,\"'=cmd|", 0), 0u) << lines[0];
  EXPECT_NE(lines[1].find(",even,"), std::string::npos);
  EXPECT_NE(lines[1].find("\"Jakarta, Indonesia\""), std::string::npos);
  EXPECT_EQ(imports_->export_path(other_ws_, e->id).error().code, Errc::not_found);
}

std::string name_of(const ::testing::TestParamInfo<db::Dialect>& p) {
  return db::dialect_name(p.param);
}
INSTANTIATE_TEST_SUITE_P(Backends, ContactsTest, ::testing::ValuesIn(db::testing::dialects()),
                         name_of);
INSTANTIATE_TEST_SUITE_P(Backends, ImportsTest, ::testing::ValuesIn(db::testing::dialects()),
                         name_of);

}  // namespace
}  // namespace kirim::contacts
