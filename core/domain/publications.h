// publications.h — what the covenant says must be made public: joins of a
// theme (art. 8), changes to the agreements (art. 9e), and the like (art.
// 13), as one list and as an Atom feed (RFC 4287).
//
// Each procedure contributes a PublicationSource; the feed knows none of
// them. A procedure built later (amendments, meeting decisions) adds its
// source to the Publications at start-up and changes nothing here.
//
// Thread-safety: sources are added at start-up, before All is called; after
// that a Publications is only read and may be used from any thread. A
// source's Entries must be thread-safe.
#ifndef SMARTERCITIES_CORE_DOMAIN_PUBLICATIONS_H_
#define SMARTERCITIES_CORE_DOMAIN_PUBLICATIONS_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"
#include "core/storage/database.h"

namespace smartercities::domain {

struct Publication {
  // A URI that names this publication for good ("tag:stedenlink.nl,2013:
  // join-requests/4"): a feed reader keys on it, so it never changes.
  std::string id;
  std::string kind;  // the source's kind: "join", ...
  std::string theme_id;
  std::string title_nl;
  std::string title_en;
  std::string summary_nl;
  std::string summary_en;
  std::string published;  // ISO 8601 UTC timestamp
  std::string updated;    // ISO 8601 UTC timestamp
  std::string url;        // the published object in the API ("/api/v1/...")
};

class PublicationSource {
 public:
  virtual ~PublicationSource() = default;
  // A short name for messages ("join requests").
  virtual std::string_view Name() const = 0;
  // Everything this source has published, in any order.
  virtual Result<std::vector<Publication>> Entries(
      storage::Database& database) const = 0;
};

class Publications {
 public:
  explicit Publications(storage::Database& database) : database_(database) {}

  void AddSource(std::unique_ptr<PublicationSource> source);

  // The entries of every source, newest (updated) first; fails naming the
  // source that failed.
  Result<std::vector<Publication>> All() const;

 private:
  storage::Database& database_;
  std::vector<std::unique_ptr<PublicationSource>> sources_;
};

// The feed's own elements.
struct FeedInfo {
  std::string id;  // a URI that never changes
  std::string title;
  std::string self_url;       // where the feed is served
  std::string alternate_url;  // the same list as JSON
  // The feed's updated element when there are no entries.
  std::string empty_updated;
};

// entries (newest first) as an Atom 1.0 document in Dutch (xml:lang="nl"):
// feed id, title, updated (the newest entry's), author, link rel="self";
// per entry id, title, updated, published, link to the object, summary.
std::string AtomFeed(const std::vector<Publication>& entries,
                     const FeedInfo& info);

// text with &, <, >, " and ' escaped for XML.
std::string XmlEscape(std::string_view text);

}  // namespace smartercities::domain

#endif  // SMARTERCITIES_CORE_DOMAIN_PUBLICATIONS_H_
