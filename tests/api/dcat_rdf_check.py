"""Reads DCAT-AP catalogues as RDF and checks what DCAT-AP 2.1 and 3 make
mandatory, on the triples rather than on the JSON:

    dcat_rdf_check.py CATALOGUE.jsonld [CATALOGUE.ttl]

- every dcat:Catalog that lists datasets has a dct:title, a
  dct:description and a dct:publisher, and the publisher a foaf:name;
- every dcat:Dataset has a dct:title and a dct:description;
- every dcat:Distribution has a dcat:accessURL that is an IRI;
- catalogues and datasets are named by http(s) URLs, and distributions
  too unless they are blank nodes;
- a dct:format is an IRI of the EU's file-type vocabulary, a
  dct:accrualPeriodicity one of its frequency vocabulary;
- with a Turtle file too: both files hold the same graph.

Prints each problem on a line of its own and exits 1; prints "ok" and the
number of triples otherwise. Uses rdflib (Debian's python3-rdflib)."""
import sys

from rdflib import Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

FILE_TYPES = "http://publications.europa.eu/resource/authority/file-type/"
FREQUENCIES = "http://publications.europa.eu/resource/authority/frequency/"


def problems_of(graph: Graph) -> list:
    problems = []

    def has(subject, predicate, what):
        if (subject, predicate, None) not in graph:
            problems.append(f"{subject}: no {what}")

    def named(subject, what):
        if not isinstance(subject, URIRef) or not str(subject).startswith(
                ("http://", "https://")):
            problems.append(f"{what} {subject!r} is not named by an http(s) URL")

    for catalog in graph.subjects(RDF.type, DCAT.Catalog):
        named(catalog, "catalogue")
        if (catalog, DCAT.dataset, None) not in graph:
            continue  # a part, described in its own document
        has(catalog, DCTERMS.title, "dct:title")
        has(catalog, DCTERMS.description, "dct:description")
        has(catalog, DCTERMS.publisher, "dct:publisher")
        for publisher in graph.objects(catalog, DCTERMS.publisher):
            has(publisher, FOAF.name, "foaf:name (of the publisher)")
    for dataset in set(graph.subjects(RDF.type, DCAT.Dataset)):
        named(dataset, "dataset")
        has(dataset, DCTERMS.title, "dct:title")
        has(dataset, DCTERMS.description, "dct:description")
        for frequency in graph.objects(dataset, DCTERMS.accrualPeriodicity):
            if not str(frequency).startswith(FREQUENCIES):
                problems.append(f"{dataset}: frequency {frequency} is not of "
                                "the EU frequency vocabulary")
    for distribution in graph.subjects(RDF.type, DCAT.Distribution):
        if isinstance(distribution, URIRef):  # a blank node may be one
            named(distribution, "distribution")
        access = list(graph.objects(distribution, DCAT.accessURL))
        if not access:
            problems.append(f"{distribution}: no dcat:accessURL")
        for url in access:
            if isinstance(url, Literal):
                problems.append(f"{distribution}: dcat:accessURL {url} is a "
                                "text, not an IRI")
        for file_type in graph.objects(distribution, DCTERMS.format):
            if not isinstance(file_type, URIRef) or not str(
                    file_type).startswith(FILE_TYPES):
                problems.append(f"{distribution}: dct:format {file_type!r} is "
                                "not of the EU file-type vocabulary")
    return problems


def main(argv: list) -> int:
    graph = Graph()
    graph.parse(argv[1], format="json-ld")
    problems = problems_of(graph)
    if len(argv) > 2:
        turtle = Graph()
        turtle.parse(argv[2], format="turtle")
        if not isomorphic(graph, turtle):
            _, only_jsonld, only_turtle = graph_diff(to_isomorphic(graph),
                                                     to_isomorphic(turtle))
            for triple in sorted(only_jsonld)[:10]:
                problems.append(f"only in the JSON-LD: {triple}")
            for triple in sorted(only_turtle)[:10]:
                problems.append(f"only in the Turtle: {triple}")
    for problem in problems:
        print(problem)
    if problems:
        return 1
    print(f"ok {len(graph)} triples")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
