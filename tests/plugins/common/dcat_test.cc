// plugins/common/dcat.h: the Turtle form of a catalogue says what its
// JSON-LD form says (the integration test in tests/integration/exports_test
// compares the two as RDF graphs; here the writing itself).
#include "plugins/common/dcat.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace smartercities::dcat {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Catalog SmallCatalog() {
  Catalog catalog;
  catalog.iri = "https://dsa.example.nl/api/v1/catalog.jsonld";
  catalog.title = Text("Open data");
  catalog.description = Text("Zegt \"alles\"\nover de\\agenda", "nl");
  catalog.publisher = Agent("Stichting Stedenlink");
  Dataset dataset;
  dataset.iri = "https://dsa.example.nl/api/v1/catalog.jsonld#themes";
  dataset.title = Text("Themes", "en");
  dataset.description = Text("The nine themes", "en");
  dataset.frequency = "IRREG";
  Distribution csv;
  csv.iri = "https://dsa.example.nl/api/v1/exports/themes.csv";
  csv.access_url = csv.iri;
  csv.format = "CSV";
  dataset.distributions.push_back(DistributionNode(csv));
  catalog.datasets.push_back(DatasetNode(dataset));
  return catalog;
}

TEST(DcatTurtleTest, WritesPrefixesSubjectsAndNestedNodes) {
  std::string turtle = Turtle(CatalogDocument(SmallCatalog()));
  EXPECT_THAT(turtle,
              HasSubstr("@prefix dcat: <http://www.w3.org/ns/dcat#> ."));
  EXPECT_THAT(turtle, HasSubstr("<https://dsa.example.nl/api/v1/catalog.jsonld>"
                                "\n    a dcat:Catalog ;"));
  // The dataset is named in the catalogue and described as a subject of
  // its own; the publisher, without a name of its own, in place.
  EXPECT_THAT(
      turtle,
      HasSubstr("dcat:dataset "
                "<https://dsa.example.nl/api/v1/catalog.jsonld#themes>"));
  EXPECT_THAT(
      turtle,
      HasSubstr("\n<https://dsa.example.nl/api/v1/catalog.jsonld#themes>"
                "\n    a dcat:Dataset ;"));
  EXPECT_THAT(turtle, HasSubstr("dct:publisher [\n        a foaf:Agent ;\n"
                                "        foaf:name \"Stichting Stedenlink\""));
  EXPECT_THAT(turtle,
              HasSubstr("dct:format <http://publications.europa.eu/resource/"
                        "authority/file-type/CSV>"));
  EXPECT_THAT(turtle, HasSubstr("dct:title \"Themes\"@en"));
}

TEST(DcatTurtleTest, EscapesWhatATurtleStringOrIriCannotHold) {
  Catalog catalog = SmallCatalog();
  catalog.homepage = "https://dsa.example.nl/a b<c>";
  std::string turtle = Turtle(CatalogDocument(catalog));
  EXPECT_THAT(turtle,
              HasSubstr("\"Zegt \\\"alles\\\"\\nover de\\\\agenda\"@nl"));
  EXPECT_THAT(turtle,
              HasSubstr("<https://dsa.example.nl/a\\u0020b\\u003Cc\\u003E>"));
  EXPECT_THAT(turtle, Not(HasSubstr("a b<c>")));
}

TEST(DcatTurtleTest, TypedLiteralsKeepTheirType) {
  Catalog catalog = SmallCatalog();
  catalog.issued = "2013-03-06";
  catalog.modified = "2026-12-01T10:00:00Z";
  std::string turtle = Turtle(CatalogDocument(catalog));
  EXPECT_THAT(turtle, HasSubstr("dct:issued \"2013-03-06\"^^xsd:date"));
  EXPECT_THAT(turtle,
              HasSubstr("dct:modified \"2026-12-01T10:00:00Z\"^^xsd:dateTime"));
}

}  // namespace
}  // namespace smartercities::dcat
