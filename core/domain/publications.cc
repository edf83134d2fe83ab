#include "core/domain/publications.h"

#include <algorithm>

namespace smartercities::domain {

void Publications::AddSource(std::unique_ptr<PublicationSource> source) {
  sources_.push_back(std::move(source));
}

Result<std::vector<Publication>> Publications::All() const {
  std::vector<Publication> all;
  for (const auto& source : sources_) {
    auto entries = source->Entries(database_);
    if (!entries.ok()) {
      return entries.status().WithContext("publications of " +
                                          std::string(source->Name()));
    }
    for (Publication& entry : *entries) all.push_back(std::move(entry));
  }
  std::stable_sort(all.begin(), all.end(),
                   [](const Publication& a, const Publication& b) {
                     if (a.updated != b.updated) return a.updated > b.updated;
                     return a.id > b.id;
                   });
  return all;
}

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

namespace {

void AppendElement(std::string& out, std::string_view indent,
                   std::string_view name, std::string_view text) {
  out.append(indent);
  out += '<';
  out.append(name);
  out += '>';
  out += XmlEscape(text);
  out += "</";
  out.append(name);
  out += ">\n";
}

void AppendLink(std::string& out, std::string_view indent, std::string_view rel,
                std::string_view type, std::string_view href) {
  out.append(indent);
  out += "<link rel=\"";
  out.append(rel);
  out += "\" type=\"";
  out.append(type);
  out += "\" href=\"";
  out += XmlEscape(href);
  out += "\"/>\n";
}

}  // namespace

std::string AtomFeed(const std::vector<Publication>& entries,
                     const FeedInfo& info) {
  std::string out =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
      "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"nl\">\n";
  AppendElement(out, "  ", "id", info.id);
  AppendElement(out, "  ", "title", info.title);
  AppendElement(out, "  ", "updated",
                entries.empty() ? info.empty_updated : entries.front().updated);
  out += "  <author>\n";
  AppendElement(out, "    ", "name", "Stedenlink");
  out += "  </author>\n";
  AppendLink(out, "  ", "self", "application/atom+xml", info.self_url);
  AppendLink(out, "  ", "alternate", "application/json", info.alternate_url);
  for (const Publication& entry : entries) {
    out += "  <entry>\n";
    AppendElement(out, "    ", "id", entry.id);
    AppendElement(out, "    ", "title", entry.title_nl);
    AppendElement(out, "    ", "updated", entry.updated);
    AppendElement(out, "    ", "published", entry.published);
    AppendLink(out, "    ", "alternate", "application/json", entry.url);
    if (!entry.theme_id.empty()) {
      out += "    <category term=\"";
      out += XmlEscape(entry.theme_id);
      out += "\"/>\n";
    }
    AppendElement(out, "    ", "summary", entry.summary_nl);
    out += "  </entry>\n";
  }
  out += "</feed>\n";
  return out;
}

}  // namespace smartercities::domain
