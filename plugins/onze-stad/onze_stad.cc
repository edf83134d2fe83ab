// Onze Stad: the open-data catalogue of the cities (agreements c and h,
// with the top-20 list of data to open), exported as DCAT-AP in JSON-LD so
// national portals can harvest it, and the entries of the open data
// challenge (agreement d).
#include <smartercities/plugin.h>
#include <smartercities/register.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "plugins/common/dcat.h"

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

// The platform's address as the host configures it ("publicBaseUrl",
// docs/plugin-guide.md), so that every node is named by a URL that
// resolves; empty leaves the names relative to the catalogue's own URL.
std::string Absolute(const std::string& base, const std::string& path) {
  std::string out = base;
  out += path;
  return out;
}

json DatasetNode(const json& dataset, const std::string& base) {
  namespace dcat = smartercities::dcat;
  std::string id = std::to_string(dataset["id"].get<std::int64_t>());
  std::string title = dataset["title"].get<std::string>();
  dcat::Dataset node;
  node.iri = Absolute(base, "/api/v1/themes/onze-stad/datasets/");
  node.iri += id;
  node.title = dcat::Text(title);
  // DCAT-AP requires a description; a record without one is described by
  // its title.
  node.description = dcat::Text(dataset["description"].is_string()
                                    ? dataset["description"].get<std::string>()
                                    : title);
  node.publisher = dcat::Agent(dataset["publisher"].get<std::string>());
  node.spatial = "http://standaarden.overheid.nl/owms/terms/";
  node.spatial += dataset["city"].get<std::string>();
  node.modified = dataset["updatedAt"].get<std::string>();
  if (dataset["theme"].is_string()) {
    node.keywords.push_back(dataset["theme"].get<std::string>());
  }
  if (dataset["top20"] == true) node.keywords.push_back("top-20");
  if (dataset["demo"] == true) node.keywords.push_back("demo");
  dcat::Distribution distribution;
  distribution.access_url = dataset["url"].get<std::string>();
  distribution.format = dataset["format"].get<std::string>();
  node.distributions.push_back(dcat::DistributionNode(distribution));
  json licence = LicenceNode(dataset["licence"].get<std::string>());
  json dataset_node = dcat::DatasetNode(node);
  // An SPDX licence is an IRI; a licence written as text stays as the
  // record has it (DCAT-AP wants an IRI, which only the city can give).
  dataset_node["dcat:distribution"][0]["dct:license"] = licence;
  return dataset_node;
}

class OnzeStad : public sdk::Theme {
 public:
  sdk::Status Init(sdk::Host& host) override {
    sdk::Status status = datasets_.Mount(host);
    if (status.ok()) status = entries_.Mount(host);
    if (!status.ok()) return status;
    base_url_ = host.Config("publicBaseUrl").value_or("");
    while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
    publisher_ =
        host.Config("catalogPublisher").value_or("Stichting Stedenlink");
    return host.Route("GET", "/catalog-dcat",
                      [this](const sdk::Request&, sdk::Response& response) {
                        Catalog(response);
                      });
  }

 private:
  void Catalog(sdk::Response& response) {
    namespace dcat = smartercities::dcat;
    dcat::Catalog catalog;
    for (const sdk::Row& row : datasets_.Rows().value()) {
      catalog.datasets.push_back(
          DatasetNode(json::parse(datasets_.RecordJson(row)), base_url_));
    }
    catalog.iri = Absolute(base_url_, "/api/v1/themes/onze-stad/catalog-dcat");
    catalog.title =
        dcat::Text("Open data van de steden van de Digitale Steden Agenda");
    catalog.description = dcat::Text(
        "De datasets die de steden van het Convenant Smarter Cities "
        "openstellen (thema Onze Stad, afspraken c en h), met de top-20 van "
        "te openen data.");
    catalog.publisher = dcat::Agent(publisher_);
    catalog.homepage = Absolute(base_url_, "/api/v1/themes/onze-stad");
    response.SetStatus(200);
    response.SetHeader("content-type", "application/ld+json");
    response.Append(dcat::CatalogDocument(catalog).dump(
        -1, ' ', false, json::error_handler_t::replace));
  }

  std::string base_url_;
  std::string publisher_;
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
