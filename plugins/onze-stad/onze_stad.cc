// Onze Stad: the open-data catalogue of the cities (agreements c and h,
// with the top-20 list of data to open), exported as DCAT-AP in JSON-LD so
// national portals can harvest it, and the entries of the open data
// challenge (agreement d).
#include <smartercities/plugin.h>
#include <smartercities/register.h>

#include <nlohmann/json.hpp>
#include <regex>

namespace {

namespace sdk = smartercities::sdk;
using nlohmann::json;

// A licence given as an SPDX identifier becomes its URI; anything else
// stays text.
json LicenceNode(const std::string& licence) {
  static const std::regex kSpdx("[A-Za-z0-9][A-Za-z0-9.+-]*");
  if (std::regex_match(licence, kSpdx)) {
    return {{"@id", "http://spdx.org/licenses/" + licence}};
  }
  return licence;
}

json DatasetNode(const json& dataset) {
  json node = {
      {"@id", "urn:smartercities:onze-stad:dataset:" +
                  std::to_string(dataset["id"].get<std::int64_t>())},
      {"@type", "dcat:Dataset"},
      {"dct:title", {{"@value", dataset["title"]}, {"@language", "nl"}}},
      {"dct:publisher",
       {{"@type", "foaf:Agent"}, {"foaf:name", dataset["publisher"]}}},
      {"dct:spatial",
       {{"@id", "http://standaarden.overheid.nl/owms/terms/" +
                    dataset["city"].get<std::string>()}}},
      {"dct:modified",
       {{"@value", dataset["updatedAt"]}, {"@type", "xsd:dateTime"}}},
      {"dcat:distribution",
       {{{"@type", "dcat:Distribution"},
         {"dcat:accessURL", {{"@id", dataset["url"]}}},
         {"dct:format", dataset["format"]},
         {"dct:license",
          LicenceNode(dataset["licence"].get<std::string>())}}}}};
  if (dataset["description"].is_string()) {
    node["dct:description"] = {{"@value", dataset["description"]},
                               {"@language", "nl"}};
  }
  json keywords = json::array();
  if (dataset["theme"].is_string()) keywords.push_back(dataset["theme"]);
  if (dataset["top20"] == true) keywords.push_back("top-20");
  if (dataset["demo"] == true) keywords.push_back("demo");
  if (!keywords.empty()) node["dcat:keyword"] = keywords;
  return node;
}

class OnzeStad : public sdk::Theme {
 public:
  sdk::Status Init(sdk::Host& host) override {
    sdk::Status status = datasets_.Mount(host);
    if (status.ok()) status = entries_.Mount(host);
    if (!status.ok()) return status;
    return host.Route("GET", "/catalog-dcat",
                      [this](const sdk::Request&, sdk::Response& response) {
                        Catalog(response);
                      });
  }

 private:
  void Catalog(sdk::Response& response) {
    json datasets = json::array();
    for (const sdk::Row& row : datasets_.Rows().value()) {
      datasets.push_back(DatasetNode(json::parse(datasets_.RecordJson(row))));
    }
    json catalog = {
        {"@context",
         {{"dcat", "http://www.w3.org/ns/dcat#"},
          {"dct", "http://purl.org/dc/terms/"},
          {"foaf", "http://xmlns.com/foaf/0.1/"},
          {"xsd", "http://www.w3.org/2001/XMLSchema#"}}},
        {"@id", "urn:smartercities:onze-stad:catalog"},
        {"@type", "dcat:Catalog"},
        {"dct:title",
         {{"@value", "Open data van de steden van de Digitale Steden Agenda"},
          {"@language", "nl"}}},
        {"dct:language",
         {{"@id",
           "http://publications.europa.eu/resource/authority/"
           "language/NLD"}}},
        {"dcat:dataset", datasets}};
    response.SetStatus(200);
    response.SetHeader("content-type", "application/ld+json");
    response.Append(
        catalog.dump(-1, ' ', false, json::error_handler_t::replace));
  }

  sdk::Register datasets_{
      {.table = "onze_stad_datasets",
       .path = "/datasets",
       .fields = {sdk::Field::City().Required(),
                  sdk::Field::Text("title").Required(),
                  sdk::Field::MultilineText("description", 500),
                  sdk::Field::Text("publisher").Required(),
                  sdk::Field::Text("licence").Required(),
                  sdk::Field::Text("format").Required(),
                  sdk::Field::Url("url").Required(), sdk::Field::Text("theme"),
                  sdk::Field::Bool("top20").Required()}}};
  sdk::Register entries_{{.table = "onze_stad_challenge_entries",
                          .path = "/challenge-entries",
                          .fields = {sdk::Field::City().Required(),
                                     sdk::Field::Text("title").Required(),
                                     sdk::Field::Text("team").Required(),
                                     sdk::Field::Date("submittedOn").Required(),
                                     sdk::Field::Url("url")}}};
};

}  // namespace

SMARTERCITIES_PLUGIN(OnzeStad)
