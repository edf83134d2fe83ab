// dcat.h — DCAT-AP catalogues in JSON-LD, written the same way by the core
// (GET /api/v1/catalog.jsonld, the agenda's own datasets) and by the Onze
// Stad theme (GET /api/v1/themes/onze-stad/catalog-dcat, the cities'
// datasets), so that the two cannot say the same thing differently.
//
// What DCAT-AP (2.1 and 3) makes mandatory is in the types: a catalogue has
// a title, a description and a publisher; a dataset a title and a
// description; a distribution an access URL. Formats are IRIs of the EU's
// file-type vocabulary, media types IANA IRIs, frequencies IRIs of the EU's
// frequency vocabulary, and every node is named by an absolute URL where
// the caller gives a base URL.
//
// Header-only, over nlohmann/json (which the core and the in-tree plugins
// link privately). Pure functions: thread-safe.
#ifndef SMARTERCITIES_PLUGINS_COMMON_DCAT_H_
#define SMARTERCITIES_PLUGINS_COMMON_DCAT_H_

#include <cctype>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace smartercities::dcat {

inline constexpr const char* kFileTypeBase =
    "http://publications.europa.eu/resource/authority/file-type/";
inline constexpr const char* kFrequencyBase =
    "http://publications.europa.eu/resource/authority/frequency/";
inline constexpr const char* kMediaTypeBase =
    "http://www.iana.org/assignments/media-types/";
inline constexpr const char* kDutch =
    "http://publications.europa.eu/resource/authority/language/NLD";
inline constexpr const char* kCc0 =
    "http://creativecommons.org/publicdomain/zero/1.0/";

// The JSON-LD context of every catalogue.
inline nlohmann::json Context() {
  return {{"dcat", "http://www.w3.org/ns/dcat#"},
          {"dct", "http://purl.org/dc/terms/"},
          {"foaf", "http://xmlns.com/foaf/0.1/"},
          {"vcard", "http://www.w3.org/2006/vcard/ns#"},
          {"xsd", "http://www.w3.org/2001/XMLSchema#"}};
}

// The EU file-type IRI of a format as people write it ("csv", "JSON",
// "GeoJSON", "JSON-LD", "Turtle"), or "" when the vocabulary has none.
inline std::string FileTypeIri(std::string_view format) {
  std::string code;
  for (char c : format) {
    if (c == '-' || c == ' ' || c == '/') {
      code += '_';
    } else {
      code += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
  }
  if (code == "TURTLE" || code == "TTL") code = "RDF_TURTLE";
  if (code == "RDF") code = "RDF_XML";
  if (code == "JSONLD") code = "JSON_LD";
  if (code == "EXCEL") code = "XLSX";
  static const char* const kKnown[] = {
      "CSV",      "JSON",     "XML",  "PDF",     "HTML",    "ZIP",
      "GEOJSON",  "XLSX",     "XLS",  "ODS",     "TXT",     "KML",
      "GML",      "SHP",      "TSV",  "JSON_LD", "RDF_XML", "RDF_TURTLE",
      "WMS_SRVC", "WFS_SRVC", "DOCX", "ODT",     "GPKG"};
  for (const char* known : kKnown) {
    if (code == known) return std::string(kFileTypeBase) + code;
  }
  return "";
}

// {"@value": text, "@language": language}.
inline nlohmann::json Text(const std::string& text,
                           const std::string& language = "nl") {
  return {{"@value", text}, {"@language", language}};
}

// A typed xsd:dateTime (or xsd:date for YYYY-MM-DD).
inline nlohmann::json Date(const std::string& when) {
  return {{"@value", when},
          {"@type", when.size() == 10 ? "xsd:date" : "xsd:dateTime"}};
}

inline nlohmann::json Id(const std::string& iri) { return {{"@id", iri}}; }

// A foaf:Agent with a name, named by iri when one is given.
inline nlohmann::json Agent(const std::string& name,
                            const std::string& iri = "") {
  nlohmann::json out = {{"@type", "foaf:Agent"}, {"foaf:name", name}};
  if (!iri.empty()) out["@id"] = iri;
  return out;
}

struct Distribution {
  std::string iri;  // its download URL, usually
  std::string title;
  std::string access_url;    // mandatory
  std::string download_url;  // optional
  std::string format;        // "CSV": becomes the EU file-type IRI
  std::string media_type;    // "text/csv": becomes the IANA IRI
  std::string license;       // an IRI
  std::string modified;      // ISO 8601
};

inline nlohmann::json DistributionNode(const Distribution& d) {
  nlohmann::json out = {{"@type", "dcat:Distribution"},
                        {"dcat:accessURL", Id(d.access_url)}};
  if (!d.iri.empty()) out["@id"] = d.iri;
  if (!d.title.empty()) out["dct:title"] = Text(d.title, "en");
  if (!d.download_url.empty()) out["dcat:downloadURL"] = Id(d.download_url);
  if (std::string format = FileTypeIri(d.format); !format.empty()) {
    out["dct:format"] = Id(format);
  }
  if (!d.media_type.empty()) {
    out["dcat:mediaType"] = Id(std::string(kMediaTypeBase) + d.media_type);
  }
  if (!d.license.empty()) out["dct:license"] = Id(d.license);
  if (!d.modified.empty()) out["dct:modified"] = Date(d.modified);
  return out;
}

struct Dataset {
  std::string iri;
  nlohmann::json title;        // Text(...)
  nlohmann::json description;  // Text(...); mandatory
  nlohmann::json publisher;    // Agent(...)
  std::string contact_name;    // a vcard:Kind when contact_email is set
  std::string contact_email;
  std::string frequency;  // EU frequency code: "CONT", "IRREG"
  std::string issued;
  std::string modified;
  std::vector<std::string> keywords;
  std::string spatial;  // an IRI
  std::string landing_page;
  std::vector<nlohmann::json> distributions;  // DistributionNode(...)
};

inline nlohmann::json DatasetNode(const Dataset& d) {
  nlohmann::json out = {{"@id", d.iri},
                        {"@type", "dcat:Dataset"},
                        {"dct:title", d.title},
                        {"dct:description", d.description}};
  if (!d.publisher.is_null()) out["dct:publisher"] = d.publisher;
  if (!d.contact_email.empty()) {
    std::string mailto = "mailto:";
    mailto += d.contact_email;
    nlohmann::json contact = {{"@type", "vcard:Kind"},
                              {"vcard:hasEmail", Id(mailto)}};
    if (!d.contact_name.empty()) contact["vcard:fn"] = d.contact_name;
    out["dcat:contactPoint"] = contact;
  }
  if (!d.frequency.empty()) {
    out["dct:accrualPeriodicity"] =
        Id(std::string(kFrequencyBase) + d.frequency);
  }
  if (!d.issued.empty()) out["dct:issued"] = Date(d.issued);
  if (!d.modified.empty()) out["dct:modified"] = Date(d.modified);
  if (!d.keywords.empty()) {
    nlohmann::json keywords = nlohmann::json::array();
    for (const std::string& keyword : d.keywords) {
      keywords.push_back(Text(keyword));
    }
    out["dcat:keyword"] = keywords;
  }
  if (!d.spatial.empty()) out["dct:spatial"] = Id(d.spatial);
  if (!d.landing_page.empty()) out["dcat:landingPage"] = Id(d.landing_page);
  if (!d.distributions.empty()) out["dcat:distribution"] = d.distributions;
  return out;
}

struct Catalog {
  std::string iri;
  nlohmann::json title;        // Text(...)
  nlohmann::json description;  // Text(...)
  nlohmann::json publisher;    // Agent(...)
  std::string license;         // an IRI
  std::string homepage;
  std::string issued;
  std::string modified;
  std::vector<nlohmann::json> datasets;  // DatasetNode(...)
  // Catalogues this one holds (dct:hasPart, dcat:catalog), by IRI.
  std::vector<std::string> parts;
};

// The whole JSON-LD document of a catalogue, with its @context.
inline nlohmann::json CatalogDocument(const Catalog& c) {
  nlohmann::json out = {{"@context", Context()},
                        {"@id", c.iri},
                        {"@type", "dcat:Catalog"},
                        {"dct:title", c.title},
                        {"dct:description", c.description},
                        {"dct:publisher", c.publisher},
                        {"dct:language", Id(kDutch)}};
  if (!c.license.empty()) out["dct:license"] = Id(c.license);
  if (!c.homepage.empty()) out["foaf:homepage"] = Id(c.homepage);
  if (!c.issued.empty()) out["dct:issued"] = Date(c.issued);
  if (!c.modified.empty()) out["dct:modified"] = Date(c.modified);
  out["dcat:dataset"] = c.datasets;
  if (!c.parts.empty()) {
    nlohmann::json parts = nlohmann::json::array();
    nlohmann::json catalogs = nlohmann::json::array();
    for (const std::string& part : c.parts) {
      parts.push_back(Id(part));
      catalogs.push_back({{"@id", part}, {"@type", "dcat:Catalog"}});
    }
    out["dct:hasPart"] = parts;
    out["dcat:catalog"] = catalogs;
  }
  return out;
}

namespace turtle_detail {

// text as the inside of a Turtle string or IRI: the characters Turtle does
// not allow there as themselves are escaped (\" \\ \n, others \uXXXX).
inline void AppendEscaped(std::string& out, std::string_view text, bool iri) {
  static const char kHex[] = "0123456789ABCDEF";
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    bool plain = iri ? u > 0x20 && c != '<' && c != '>' && c != '"' &&
                           c != '{' && c != '}' && c != '|' && c != '^' &&
                           c != '`' && c != '\\'
                     : u >= 0x20 && c != '"' && c != '\\';
    if (plain) {
      out += c;
    } else if (!iri && c == '\n') {
      out += "\\n";
    } else if (!iri && (c == '"' || c == '\\')) {
      out += '\\';
      out += c;
    } else {
      out += "\\u00";
      out += kHex[u >> 4];
      out += kHex[u & 0xF];
    }
  }
}

// A term of the document's vocabulary ("dcat:Dataset"): as a prefixed name
// when its prefix is in the context and its local part is a plain name,
// otherwise as a full IRI.
inline std::string Term(const nlohmann::json& context,
                        const std::string& term) {
  std::size_t colon = term.find(':');
  if (colon != std::string::npos && context.contains(term.substr(0, colon))) {
    std::string local = term.substr(colon + 1);
    bool plain = !local.empty();
    for (char c : local) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') {
        plain = false;
      }
    }
    if (plain) return term;
    std::string out = "<";
    AppendEscaped(
        out, context[term.substr(0, colon)].get<std::string>() + local, true);
    return out + ">";
  }
  std::string out = "<";
  AppendEscaped(out, term, true);
  return out + ">";
}

inline std::string Iri(const std::string& iri) {
  std::string out = "<";
  AppendEscaped(out, iri, true);
  return out + ">";
}

inline std::string Literal(const nlohmann::json& context,
                           const nlohmann::json& value) {
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number_integer()) return value.dump();
  if (value.is_number()) {
    return "\"" + value.dump() +
           "\"^^<http://www.w3.org/2001/XMLSchema#double>";
  }
  const nlohmann::json& text = value.is_object() ? value["@value"] : value;
  std::string out = "\"";
  AppendEscaped(out, text.is_string() ? text.get<std::string>() : text.dump(),
                false);
  out += '"';
  if (value.is_object() && value.contains("@language")) {
    out += '@';
    out += value["@language"].get<std::string>();
  } else if (value.is_object() && value.contains("@type")) {
    out += "^^";
    out += Term(context, value["@type"].get<std::string>());
  }
  return out;
}

// The predicate-object list of node (its "@type" as "a"), each pair on a
// line of its own at indent; nested nodes with an "@id" are queued to be
// written as subjects of their own, those without one are written in
// place as [ ... ].
inline void AppendProperties(std::string& out, const nlohmann::json& context,
                             const nlohmann::json& node,
                             std::vector<const nlohmann::json*>& queue,
                             const std::string& indent) {
  // Each value of a property, in place (the queue keeps pointers to them).
  auto values = [](const nlohmann::json& value) {
    std::vector<const nlohmann::json*> each;
    if (value.is_array()) {
      for (const nlohmann::json& item : value) each.push_back(&item);
    } else {
      each.push_back(&value);
    }
    return each;
  };
  bool first = true;
  auto start = [&](const std::string& predicate) {
    out += first ? "\n" : " ;\n";
    first = false;
    out += indent;
    out += predicate;
    out += ' ';
  };
  if (node.contains("@type")) {
    start("a");
    bool more = false;
    for (const nlohmann::json* type : values(node["@type"])) {
      if (more) out += ", ";
      more = true;
      out += Term(context, type->get<std::string>());
    }
  }
  for (const auto& [key, value] : node.items()) {
    if (key.empty() || key[0] == '@' || value.is_null()) continue;
    start(Term(context, key));
    bool more = false;
    for (const nlohmann::json* item : values(value)) {
      const nlohmann::json& object = *item;
      if (more) out += ", ";
      more = true;
      bool is_node = object.is_object() && !object.contains("@value");
      if (is_node && object.contains("@id")) {
        out += Iri(object["@id"].get<std::string>());
        if (object.size() > 1) queue.push_back(&object);
      } else if (is_node) {
        out += '[';
        AppendProperties(out, context, object, queue, indent + "    ");
        out += '\n';
        out += indent;
        out += ']';
      } else {
        out += Literal(context, object);
      }
    }
  }
}

}  // namespace turtle_detail

// A JSON-LD document of the form CatalogDocument writes (compact IRIs of
// its own @context, nodes nested, values as strings, numbers, booleans,
// {"@id"}, {"@value", "@language" or "@type"}) as RDF 1.1 Turtle: the same
// triples, for a harvester that reads Turtle rather than JSON-LD.
inline std::string Turtle(const nlohmann::json& document) {
  const nlohmann::json context =
      document.value("@context", nlohmann::json::object());
  std::string out;
  for (const auto& [prefix, iri] : context.items()) {
    if (!iri.is_string()) continue;
    out += "@prefix " + prefix + ": " +
           turtle_detail::Iri(iri.get<std::string>()) + " .\n";
  }
  std::vector<const nlohmann::json*> queue = {&document};
  for (std::size_t i = 0; i < queue.size(); ++i) {
    const nlohmann::json& node = *queue[i];
    out += '\n';
    out += node.contains("@id")
               ? turtle_detail::Iri(node["@id"].get<std::string>())
               : std::string("[]");
    turtle_detail::AppendProperties(out, context, node, queue, "    ");
    out += " .\n";
  }
  return out;
}

}  // namespace smartercities::dcat

#endif  // SMARTERCITIES_PLUGINS_COMMON_DCAT_H_
