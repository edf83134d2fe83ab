// The theme modules' registers (their own records, such as Bedrijvige
// Stad's business parks) for editors, through the modules' own API routes
// called in-process as the editor, so that the module and the platform's
// authorization point decide exactly as they do for the API:
//   GET  /invoer/themas/{theme}/{register}        the records you may
//                                                 change, and a form to add
//   POST /invoer/themas/{theme}/{register}        add a record
//   GET  /invoer/themas/{theme}/{register}/{id}   the form for one record
//   POST /invoer/themas/{theme}/{register}/{id}   change it (PUT)
// and the same under /en. A register is a module's public GET /x with a
// POST /x beside it; its fields are those the POST's input schema declares
// and the keys of its records. A problem the
// module answers names its field ("homes: must be at least 0") and stands
// next to that field.
#include "core/web/registers.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/web/form.h"
#include "core/web/view_helpers.h"

namespace smartercities::web {

using nlohmann::json;

namespace {

// Keys the modules set themselves, never entered.
bool IsReadOnly(const std::string& key) {
  return key == "id" || key == "demo" || key == "updatedAt" ||
         key == "cityName";
}

// "electricityKwh" as "electricity kwh".
std::string Label(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (std::isupper(static_cast<unsigned char>(c))) {
      out += ' ';
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      out += c;
    }
  }
  return out;
}

std::string Show(const json& value, const json& t) {
  if (value.is_null()) return "–";
  if (value.is_boolean()) {
    return value.get<bool>() ? t["registers"]["yes"].get<std::string>()
                             : t["registers"]["no"].get<std::string>();
  }
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

// The register's records (every page of them), or the problem.
std::variant<json, http::Response> Records(const Site& site,
                                           const http::Request& request,
                                           const Register& reg,
                                           const std::string& city) {
  json items = json::array();
  for (int page = 1; page <= 50; ++page) {
    std::string target = reg.api_path +
                         "?pageSize=500&page=" + std::to_string(page) +
                         (city.empty() ? "" : "&city=" + city);
    http::Response answer = site.CallApi(request, "GET", target);
    if (answer.status != 200) return answer;
    json body = json::parse(answer.body, nullptr, false);
    if (!body.is_object() || !body.contains("items") ||
        !body["items"].is_array()) {
      return http::Response::Problem(502, "Bad Gateway",
                                     reg.api_path + " did not answer a list");
    }
    for (auto& item : body["items"]) items.push_back(std::move(item));
    std::size_t total = body.value("total", items.size());
    if (items.size() >= total || body["items"].empty()) break;
  }
  return items;
}

struct FieldInfo {
  std::string key;
  std::string kind;  // "text", "number", "bool", "city"
};

// The kind of form field for a property of the register's input schema.
std::string KindOf(const std::string& key, const nlohmann::ordered_json& type) {
  if (key == "city") return "city";
  auto is = [&type](const char* name) {
    if (type.is_string()) return type.get<std::string>() == name;
    if (!type.is_array()) return false;
    return std::any_of(type.begin(), type.end(), [name](const auto& t) {
      return t.is_string() && t.template get<std::string>() == name;
    });
  };
  if (is("boolean")) return "bool";
  if (is("number") || is("integer")) return "number";
  return "text";
}

// The fields of the register: those its input schema declares, in its
// order, then any other keys its records carry.
std::vector<FieldInfo> FieldsOf(const json& items,
                                const std::string& input_schema) {
  std::vector<FieldInfo> fields;
  auto schema = nlohmann::ordered_json::parse(input_schema, nullptr, false);
  if (schema.is_object() && schema.contains("properties") &&
      schema["properties"].is_object()) {
    for (const auto& [name, property] : schema["properties"].items()) {
      if (IsReadOnly(name) || !property.is_object()) continue;
      fields.push_back(
          {name,
           KindOf(name, property.value("type", nlohmann::ordered_json()))});
    }
  }
  for (const auto& item : items) {
    for (const auto& [name, value] : item.items()) {
      // A copy: clang 14 does not let a lambda capture a structured binding.
      const std::string key = name;
      if (IsReadOnly(key)) continue;
      auto found =
          std::find_if(fields.begin(), fields.end(),
                       [&](const FieldInfo& f) { return f.key == key; });
      std::string kind = key == "city"        ? "city"
                         : value.is_boolean() ? "bool"
                         : value.is_number()  ? "number"
                         : value.is_null()    ? ""
                                              : "text";
      if (found == fields.end()) {
        fields.push_back({key, kind});
      } else if (found->kind.empty()) {
        found->kind = kind;
      }
    }
  }
  for (auto& field : fields) {
    if (field.kind.empty()) field.kind = "text";
  }
  // The city first, then the others in order.
  std::stable_partition(fields.begin(), fields.end(),
                        [](const FieldInfo& f) { return f.kind == "city"; });
  return fields;
}

std::string Base(const Register& reg, Language language) {
  return Localize("/invoer/themas/" + reg.theme + "/" + reg.name, language);
}

struct FormState {
  std::map<std::string, std::string> values;
  std::map<std::string, std::string> errors;
  std::string problem;
  std::string notice;
};

http::Response RegisterPage(Site& site, const http::Request& request,
                            Language language, const Register& reg,
                            std::optional<std::int64_t> editing,
                            FormState state, int status) {
  const json& t = site.pages().Translations(language);
  std::string role(request.CallerRole());
  std::string scope(request.CallerScope());
  std::string city_filter = role == "city-editor" ? scope : "";
  auto all = Records(site, request, reg, "");
  if (auto* problem = std::get_if<http::Response>(&all)) {
    return site.ErrorPage(request, language, problem->status,
                          problem->body.substr(0, 300));
  }
  const json& items = std::get<json>(all);
  std::vector<FieldInfo> fields = FieldsOf(items, reg.input_schema);
  auto cities = Cities(site);
  if (!cities.ok()) {
    return site.ErrorPage(request, language, 500, cities.status().message());
  }
  json model = site.BaseModel(
      request, language,
      t["registers"]["title"].get<std::string>() + ": " + Label(reg.name),
      true);
  model["register"] = {{"name", Label(reg.name)},
                       {"theme", Localized(reg.theme_name, language)},
                       {"themeUrl", ThemeUrl(reg.theme, language)},
                       {"apiUrl", reg.api_path}};
  // The records this caller may change.
  json rows = json::array();
  json columns = json::array();
  for (const auto& field : fields) columns.push_back(Label(field.key));
  const json* record = nullptr;
  for (const auto& item : items) {
    if (!city_filter.empty() && item.value("city", "") != city_filter) {
      continue;
    }
    json cells = json::array();
    for (const auto& field : fields) {
      cells.push_back(
          Show(item.contains(field.key) ? item[field.key] : json(), t));
    }
    std::int64_t id = item.value("id", std::int64_t{0});
    rows.push_back(
        {{"id", id},
         {"cells", cells},
         {"demo", item.value("demo", false)},
         {"editUrl", Base(reg, language) + "/" + std::to_string(id)}});
    if (editing && id == *editing) record = &item;
  }
  if (editing && record == nullptr) {
    return site.ErrorPage(request, language, 404,
                          t["registers"]["noRecord"].get<std::string>());
  }
  model["columns"] = columns;
  model["rows"] = rows;
  model["hasRows"] = !rows.empty();
  model["knowsFields"] = !fields.empty();

  // The form: a record being changed, or a new one.
  json form_fields = json::array();
  json errors = json::array();
  for (const auto& field : fields) {
    std::string value;
    if (auto found = state.values.find(field.key);
        found != state.values.end()) {
      value = found->second;
    } else if (record != nullptr && record->contains(field.key) &&
               !(*record)[field.key].is_null()) {
      const json& stored = (*record)[field.key];
      value = stored.is_string()    ? stored.get<std::string>()
              : stored.is_boolean() ? (stored.get<bool>() ? "true" : "false")
                                    : stored.dump();
    }
    json item = {{"key", field.key},
                 {"label", Label(field.key)},
                 {"value", value},
                 {"isText", field.kind == "text" || field.kind == "number"},
                 {"isNumber", field.kind == "number"},
                 {"isBool", field.kind == "bool"},
                 {"isTrue", value == "true"},
                 {"isFalse", value == "false"}};
    if (field.kind == "city") {
      json options = json::array();
      for (const auto& [code, city] : *cities) {
        if (role == "city-editor" && code != scope) continue;
        options.push_back(
            {{"code", code}, {"name", city.name}, {"selected", code == value}});
      }
      std::sort(
          options.begin(), options.end(),
          [](const json& a, const json& b) { return a["name"] < b["name"]; });
      item["isCity"] = true;
      item["cities"] = options;
    }
    if (auto error = state.errors.find(field.key);
        error != state.errors.end()) {
      item["error"] = error->second;
      errors.push_back({{"field", field.key}, {"message", error->second}});
    }
    form_fields.push_back(item);
  }
  model["fields"] = form_fields;
  model["errors"] = errors;
  model["hasErrors"] = !errors.empty();
  model["problem"] = state.problem;
  model["notice"] = state.notice;
  model["editing"] = editing.has_value();
  model["action"] = editing
                        ? Base(reg, language) + "/" + std::to_string(*editing)
                        : Base(reg, language);
  model["listUrl"] = Base(reg, language);
  return NoStore(site.Page("register", language, std::move(model), status));
}

// The form's values as the module's JSON, or the fields' errors.
json ToRecord(const std::vector<FieldInfo>& fields, const http::Pairs& form,
              FormState& state, const json& t) {
  json record = json::object();
  for (const auto& field : fields) {
    std::string value = FormField(form, "veld-" + field.key).value_or("");
    state.values[field.key] = value;
    if (value.empty()) {
      record[field.key] = nullptr;
    } else if (field.kind == "bool") {
      record[field.key] = value == "true";
    } else if (field.kind == "number") {
      std::string text = value;
      std::replace(text.begin(), text.end(), ',', '.');
      double number = 0;
      auto [end, error] =
          std::from_chars(text.data(), text.data() + text.size(), number);
      if (error != std::errc() || end != text.data() + text.size() ||
          !std::isfinite(number)) {
        state.errors[field.key] = t["registers"]["number"];
        continue;
      }
      if (number == std::floor(number) && std::fabs(number) < 1e15) {
        record[field.key] = static_cast<std::int64_t>(number);
      } else {
        record[field.key] = number;
      }
    } else {
      record[field.key] = value;
    }
  }
  return record;
}

http::Response Save(Site& site, http::Request& request, Language language,
                    const Register& reg, std::optional<std::int64_t> id) {
  const json& t = site.pages().Translations(language);
  auto form = ParseForm(request.body).value_or(http::Pairs());
  auto all = Records(site, request, reg, "");
  if (auto* problem = std::get_if<http::Response>(&all)) {
    return site.ErrorPage(request, language, problem->status,
                          problem->body.substr(0, 300));
  }
  std::vector<FieldInfo> fields =
      FieldsOf(std::get<json>(all), reg.input_schema);
  FormState state;
  json record = ToRecord(fields, form, state, t);
  if (!state.errors.empty()) {
    return RegisterPage(site, request, language, reg, id, state, 422);
  }
  http::Response answer =
      id ? site.CallApi(request, "PUT",
                        reg.api_path + "/" + std::to_string(*id), record)
         : site.CallApi(request, "POST", reg.api_path, record);
  if (answer.status == 200 || answer.status == 201) {
    return Redirect(Base(reg, language) + "?opgeslagen=1");
  }
  PlacedProblems placed = PlaceProblems(
      answer, [&](const std::string& name) -> std::optional<std::string> {
        bool known =
            std::any_of(fields.begin(), fields.end(),
                        [&](const FieldInfo& f) { return f.key == name; });
        if (!known) return std::nullopt;
        return name;
      });
  state.errors.insert(placed.errors.begin(), placed.errors.end());
  if (!placed.above.empty()) state.problem = placed.above;
  return RegisterPage(site, request, language, reg, id, state,
                      answer.status == 400 ? 422 : answer.status);
}

std::optional<std::int64_t> IdOf(const http::Request& request) {
  std::string_view text = request.Param("id");
  std::int64_t id = 0;
  auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size())
    return std::nullopt;
  return id;
}

}  // namespace

std::vector<Register> Registers(Site& site) {
  std::vector<Register> registers;
  auto themes = EnabledThemes(site);
  if (!themes.ok()) return registers;
  auto routes = site.router().Routes();
  for (const auto& theme : *themes) {
    std::string prefix = theme.RoutePrefix() + "/";
    for (const auto& route : routes) {
      if (route->owner != theme.id || route->method != "POST" ||
          !route->pattern.starts_with(prefix)) {
        continue;
      }
      std::string name = route->pattern.substr(prefix.size());
      if (name.empty() || name.find('/') != std::string::npos) continue;
      bool readable =
          std::any_of(routes.begin(), routes.end(), [&](const auto& r) {
            return r->method == "GET" && r->pattern == route->pattern &&
                   r->options.permission == "public";
          });
      if (!readable || route->options.body_type != "application/json") {
        continue;
      }
      registers.push_back({theme.id, theme.name, name, route->pattern,
                           route->options.permission,
                           route->options.doc.request_schema});
    }
  }
  return registers;
}

std::optional<Register> FindRegister(Site& site, std::string_view theme,
                                     std::string_view name) {
  for (auto& reg : Registers(site)) {
    if (reg.theme == theme && reg.name == name) return reg;
  }
  return std::nullopt;
}

Status RegisterRegisterPages(Site& site) {
  Site* s = &site;
  http::RouteOptions options;
  options.permission = "authenticated";
  options.summary = "A theme register's records for editors";
  auto missing = [s](http::Request& r, Language l) {
    return s->ErrorPage(r, l, 404,
                        s->pages()
                            .Translations(l)["registers"]["noRegister"]
                            .get<std::string>());
  };
  Status status = site.AddPage(
      "/invoer/themas/{theme}/{register}", options,
      [s, missing](http::Request& r, Language l) {
        auto reg = FindRegister(*s, r.Param("theme"), r.Param("register"));
        if (!reg) return missing(r, l);
        FormState state;
        if (r.Query("opgeslagen")) {
          state.notice = s->pages().Translations(l)["registers"]["saved"];
        }
        return RegisterPage(*s, r, l, *reg, std::nullopt, state, 200);
      });
  if (!status.ok()) return status;
  status = site.AddPage(
      "/invoer/themas/{theme}/{register}/{id}", options,
      [s, missing](http::Request& r, Language l) {
        auto reg = FindRegister(*s, r.Param("theme"), r.Param("register"));
        auto id = IdOf(r);
        if (!reg || !id) return missing(r, l);
        return RegisterPage(*s, r, l, *reg, id, FormState(), 200);
      });
  if (!status.ok()) return status;
  options.body_type = std::string(kFormType);
  options.body_limit_bytes = 16384;
  for (Language language : {Language::kDutch, Language::kEnglish}) {
    options.summary = "Add a record to a theme register";
    status = site.AddRoute(
        "POST", Localize("/invoer/themas/{theme}/{register}", language),
        options, [s, language, missing](http::Request& r) {
          auto reg = FindRegister(*s, r.Param("theme"), r.Param("register"));
          if (!reg) return missing(r, language);
          return Save(*s, r, language, *reg, std::nullopt);
        });
    if (!status.ok()) return status;
    options.summary = "Change a record of a theme register";
    status = site.AddRoute(
        "POST", Localize("/invoer/themas/{theme}/{register}/{id}", language),
        options, [s, language, missing](http::Request& r) {
          auto reg = FindRegister(*s, r.Param("theme"), r.Param("register"));
          auto id = IdOf(r);
          if (!reg || !id) return missing(r, language);
          return Save(*s, r, language, *reg, id);
        });
    if (!status.ok()) return status;
  }
  return Status::Ok();
}

}  // namespace smartercities::web
