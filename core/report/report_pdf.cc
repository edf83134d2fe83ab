// The progress report as a PDF, drawn with cairo from the same view as the
// HTML page: a title page, a table of contents whose entries link to their
// sections, the sections with their charts, a footer with the page number
// on every page, and bookmarks. The layout runs twice: the first pass finds
// the page of every heading and the number of pages, the second draws
// with them.
#include <cairo-pdf.h>
#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

#include "core/report/progress_report.h"
#include "core/report/report_view.h"

namespace smartercities::report {
namespace {

using nlohmann::json;

constexpr double kPageWidth = 595.28;  // A4 in points
constexpr double kPageHeight = 841.89;
constexpr double kMargin = 56;
constexpr double kFooter = 36;
constexpr const char* kFont = "DejaVu Sans";

struct Rgb {
  double r, g, b;
};

// The badge colours of the HTML page's style, by status class.
Rgb BadgeFill(const std::string& css_class) {
  static const std::map<std::string, Rgb> kFills = {
      {"sc-status--target-achieved", {0.84, 0.93, 0.85}},
      {"sc-status--done", {0.84, 0.93, 0.85}},
      {"sc-status--substantial-progress", {0.89, 0.94, 0.86}},
      {"sc-status--on-time", {0.89, 0.94, 0.86}},
      {"sc-status--moderate-progress", {1.0, 0.95, 0.80}},
      {"sc-status--limited-progress", {0.99, 0.89, 0.78}},
      {"sc-status--deterioration", {0.97, 0.84, 0.85}},
      {"sc-status--late", {0.97, 0.84, 0.85}}};
  auto found = kFills.find(css_class);
  return found == kFills.end() ? Rgb{0.93, 0.94, 0.95} : found->second;
}

struct TocEntry {
  std::string title;
  std::string anchor;
  int level = 1;
  int page = 0;
};

struct Output {
  std::string bytes;
};

cairo_status_t Append(void* closure, const unsigned char* data,
                      unsigned int length) {
  static_cast<Output*>(closure)->bytes.append(
      reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

// One pass of the layout over a cairo PDF surface.
class Layout {
 public:
  // toc: the pages of the headings from the first pass (empty in it);
  // total_pages likewise.
  Layout(const std::vector<TocEntry>& known_toc, int total_pages, const json& t)
      : known_toc_(known_toc), total_pages_(total_pages), t_(t) {
    surface_ = cairo_pdf_surface_create_for_stream(&Append, &output_,
                                                   kPageWidth, kPageHeight);
    cr_ = cairo_create(surface_);
    y_ = kMargin;
  }
  ~Layout() {
    cairo_destroy(cr_);
    cairo_surface_destroy(surface_);
  }
  Layout(const Layout&) = delete;
  Layout& operator=(const Layout&) = delete;

  cairo_surface_t* surface() { return surface_; }
  const std::vector<TocEntry>& toc() const { return toc_; }
  int page() const { return page_; }

  // Ends the last page and the document; the PDF's bytes, or why cairo
  // failed.
  Result<std::string> Finish() {
    Footer();
    cairo_surface_finish(surface_);
    cairo_status_t status = cairo_surface_status(surface_);
    if (status != CAIRO_STATUS_SUCCESS) {
      return Status::Internal(std::string("drawing the PDF failed: ") +
                              cairo_status_to_string(status));
    }
    return std::move(output_.bytes);
  }

  void SetTitle(const std::string& title) {
    title_ = title;
    cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_TITLE,
                                   title.c_str());
    cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_CREATOR,
                                   "Smarter Cities platform");
  }

  void NewPage() {
    Footer();
    cairo_show_page(cr_);
    ++page_;
    y_ = kMargin;
  }

  double Width() const { return kPageWidth - 2 * kMargin; }
  void Space(double points) { y_ += points; }
  void Ensure(double height) {
    if (y_ + height > kPageHeight - kMargin - kFooter) NewPage();
  }

  // A heading that the table of contents and the bookmarks lead to.
  void Heading(const std::string& text, int level, const std::string& anchor,
               bool in_toc = true) {
    double size = level == 1 ? 17 : level == 2 ? 13 : 11;
    Ensure(size * 4);
    Space(level == 1 ? 6 : 4);
    if (!anchor.empty()) {
      std::string attributes = "name='" + anchor + "'";
      cairo_tag_begin(cr_, CAIRO_TAG_DEST, attributes.c_str());
      cairo_tag_end(cr_, CAIRO_TAG_DEST);
      if (in_toc) {
        toc_.push_back({text, anchor, level, page_});
        int parent = level == 1 ? CAIRO_PDF_OUTLINE_ROOT : last_outline_;
        std::string link = "dest='" + anchor + "'";
        int id = cairo_pdf_surface_add_outline(surface_, parent, text.c_str(),
                                               link.c_str(),
                                               CAIRO_PDF_OUTLINE_FLAG_OPEN);
        if (level == 1) last_outline_ = id;
      }
    }
    Paragraph(text, size, true);
    if (level == 1) {
      cairo_set_source_rgb(cr_, 0.0, 0.41, 0.61);
      cairo_set_line_width(cr_, 1.5);
      cairo_move_to(cr_, kMargin, y_ - 4);
      cairo_line_to(cr_, kMargin + Width(), y_ - 4);
      cairo_stroke(cr_);
      Space(4);
    }
  }

  // Text wrapped to the width (from indent on), page by page.
  void Paragraph(const std::string& text, double size = 10, bool bold = false,
                 double indent = 0, Rgb colour = {0.1, 0.1, 0.1}) {
    Font(size, bold);
    double line_height = size * 1.35;
    for (const std::string& line : Wrap(text, Width() - indent)) {
      Ensure(line_height);
      cairo_set_source_rgb(cr_, colour.r, colour.g, colour.b);
      cairo_move_to(cr_, kMargin + indent, y_ + size);
      cairo_show_text(cr_, line.c_str());
      y_ += line_height;
    }
    y_ += size * 0.35;
  }

  // A status badge followed by text on the same line.
  void Badge(const json& status, const std::string& after = "",
             double indent = 0) {
    std::string label = status["label"];
    Font(9, true);
    cairo_text_extents_t extents;
    cairo_text_extents(cr_, label.c_str(), &extents);
    Ensure(18);
    double x = kMargin + indent;
    double width = extents.x_advance + 12;
    Rgb fill = BadgeFill(status["class"]);
    cairo_set_source_rgb(cr_, fill.r, fill.g, fill.b);
    RoundedRectangle(x, y_, width, 14, 7);
    cairo_fill_preserve(cr_);
    cairo_set_source_rgb(cr_, 0.45, 0.45, 0.45);
    cairo_set_line_width(cr_, 0.6);
    cairo_stroke(cr_);
    cairo_set_source_rgb(cr_, 0.1, 0.1, 0.1);
    cairo_move_to(cr_, x + 6, y_ + 10.2);
    cairo_show_text(cr_, label.c_str());
    if (!after.empty()) {
      Font(9, false);
      cairo_set_source_rgb(cr_, 0.35, 0.35, 0.35);
      cairo_move_to(cr_, x + width + 6, y_ + 10.2);
      cairo_show_text(cr_, after.c_str());
    }
    y_ += 19;
  }

  // A table with a header row; columns share the width by the weights.
  void Table(const std::vector<std::string>& header,
             const std::vector<std::vector<std::string>>& rows,
             const std::vector<double>& weights) {
    double total = 0;
    for (double weight : weights) total += weight;
    std::vector<double> widths;
    for (double weight : weights) widths.push_back(Width() * weight / total);
    auto row = [&](const std::vector<std::string>& cells, bool head) {
      Font(8.5, head);
      std::vector<std::vector<std::string>> lines;
      std::size_t height_lines = 1;
      for (std::size_t i = 0; i < cells.size() && i < widths.size(); ++i) {
        lines.push_back(Wrap(cells[i], widths[i] - 8));
        height_lines = std::max(height_lines, lines.back().size());
      }
      double height = double(height_lines) * 11.5 + 6;
      Ensure(height);
      double x = kMargin;
      for (std::size_t i = 0; i < lines.size(); ++i) {
        if (head) {
          cairo_set_source_rgb(cr_, 0.95, 0.95, 0.95);
          cairo_rectangle(cr_, x, y_, widths[i], height);
          cairo_fill(cr_);
        }
        cairo_set_source_rgb(cr_, 0.78, 0.78, 0.78);
        cairo_set_line_width(cr_, 0.5);
        cairo_rectangle(cr_, x, y_, widths[i], height);
        cairo_stroke(cr_);
        cairo_set_source_rgb(cr_, 0.1, 0.1, 0.1);
        for (std::size_t j = 0; j < lines[i].size(); ++j) {
          cairo_move_to(cr_, x + 4, y_ + 11 + double(j) * 11.5);
          cairo_show_text(cr_, lines[i][j].c_str());
        }
        x += widths[i];
      }
      y_ += height;
    };
    row(header, true);
    for (const auto& cells : rows) row(cells, false);
    y_ += 8;
  }

  void DrawChart(const Chart& chart, const std::string& caption) {
    constexpr double kHeight = 150;
    constexpr double kLeft = 40;
    constexpr double kBottom = 18;
    Ensure(kHeight + 30);
    double x0 = kMargin + kLeft;
    double width = std::min(Width(), 420.0) - kLeft;
    double top = y_;
    double plot_height = kHeight - kBottom;
    auto px = [&](double x) { return x0 + x * width; };
    auto py = [&](double y) { return top + (1 - y) * plot_height; };
    cairo_save(cr_);
    Font(7, false);
    cairo_set_line_width(cr_, 0.5);
    for (const auto& [y, label] : chart.y_ticks) {
      cairo_set_source_rgb(cr_, 0.89, 0.89, 0.89);
      cairo_move_to(cr_, px(0), py(y));
      cairo_line_to(cr_, px(1), py(y));
      cairo_stroke(cr_);
      cairo_text_extents_t extents;
      cairo_text_extents(cr_, label.c_str(), &extents);
      cairo_set_source_rgb(cr_, 0.3, 0.3, 0.3);
      cairo_move_to(cr_, px(0) - 4 - extents.x_advance, py(y) + 2.5);
      cairo_show_text(cr_, label.c_str());
    }
    for (const auto& [x, label] : chart.x_ticks) {
      cairo_set_source_rgb(cr_, 0.89, 0.89, 0.89);
      cairo_move_to(cr_, px(x), py(1));
      cairo_line_to(cr_, px(x), py(0));
      cairo_stroke(cr_);
      cairo_text_extents_t extents;
      cairo_text_extents(cr_, label.c_str(), &extents);
      cairo_set_source_rgb(cr_, 0.3, 0.3, 0.3);
      cairo_move_to(cr_, px(x) - extents.x_advance / 2, py(0) + 11);
      cairo_show_text(cr_, label.c_str());
    }
    for (bool emphasis : {false, true}) {
      for (const ChartLine& line : chart.lines) {
        if (line.emphasis != emphasis || line.points.empty()) continue;
        if (emphasis) {
          cairo_set_source_rgb(cr_, 0.0, 0.41, 0.61);
          cairo_set_line_width(cr_, 2);
        } else {
          cairo_set_source_rgb(cr_, 0.62, 0.72, 0.78);
          cairo_set_line_width(cr_, 0.7);
        }
        if (line.points.size() == 1) {
          cairo_arc(cr_, px(line.points[0].first), py(line.points[0].second),
                    emphasis ? 2.2 : 1.5, 0, 2 * M_PI);
          cairo_fill(cr_);
          continue;
        }
        cairo_move_to(cr_, px(line.points[0].first), py(line.points[0].second));
        for (std::size_t i = 1; i < line.points.size(); ++i) {
          cairo_line_to(cr_, px(line.points[i].first),
                        py(line.points[i].second));
        }
        cairo_stroke(cr_);
      }
    }
    if (chart.target_y) {
      double dashes[] = {5, 3};
      cairo_set_dash(cr_, dashes, 2, 0);
      cairo_set_source_rgb(cr_, 0.18, 0.49, 0.2);
      cairo_set_line_width(cr_, 1.2);
      cairo_move_to(cr_, px(0), py(*chart.target_y));
      cairo_line_to(cr_, px(1), py(*chart.target_y));
      cairo_stroke(cr_);
    }
    if (chart.deadline_x) {
      double dashes[] = {1.5, 2.5};
      cairo_set_dash(cr_, dashes, 2, 0);
      cairo_set_source_rgb(cr_, 0.72, 0.11, 0.11);
      cairo_set_line_width(cr_, 1.2);
      cairo_move_to(cr_, px(*chart.deadline_x), py(1));
      cairo_line_to(cr_, px(*chart.deadline_x), py(0));
      cairo_stroke(cr_);
    }
    cairo_restore(cr_);
    y_ = top + kHeight + 2;
    Paragraph(caption, 7.5, false, 0, {0.35, 0.35, 0.35});
  }

  // The table of contents: one line per heading with its page, each a link.
  void Contents(const std::string& heading) {
    Heading(heading, 1, "inhoud", false);
    for (const TocEntry& entry : known_toc_.empty() ? toc_ : known_toc_) {
      double indent = entry.level == 1 ? 0 : 14;
      double size = entry.level == 1 ? 10.5 : 9.5;
      Font(size, entry.level == 1);
      Ensure(size * 1.5);
      std::string page_text = std::to_string(entry.page);
      cairo_text_extents_t extents;
      cairo_text_extents(cr_, page_text.c_str(), &extents);
      std::string link = "dest='" + entry.anchor + "'";
      cairo_tag_begin(cr_, CAIRO_TAG_LINK, link.c_str());
      cairo_set_source_rgb(cr_, 0.1, 0.1, 0.1);
      std::string title = Fit(entry.title, Width() - indent - 40);
      cairo_move_to(cr_, kMargin + indent, y_ + size);
      cairo_show_text(cr_, title.c_str());
      cairo_move_to(cr_, kMargin + Width() - extents.x_advance, y_ + size);
      cairo_show_text(cr_, page_text.c_str());
      cairo_tag_end(cr_, CAIRO_TAG_LINK);
      y_ += size * 1.55;
    }
  }

 private:
  void Font(double size, bool bold) {
    cairo_select_font_face(
        cr_, kFont, CAIRO_FONT_SLANT_NORMAL,
        bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr_, size);
  }

  double Advance(const std::string& text) {
    cairo_text_extents_t extents;
    cairo_text_extents(cr_, text.c_str(), &extents);
    return extents.x_advance;
  }

  // The text in lines no wider than width, broken between words (a word
  // longer than the line stands alone).
  std::vector<std::string> Wrap(const std::string& text, double width) {
    std::vector<std::string> lines;
    std::string line;
    std::size_t at = 0;
    while (at <= text.size()) {
      std::size_t end = text.find_first_of(" \n", at);
      if (end == std::string::npos) end = text.size();
      std::string word = text.substr(at, end - at);
      std::string candidate = line.empty() ? word : line + " " + word;
      if (!line.empty() && Advance(candidate) > width) {
        lines.push_back(line);
        line = word;
      } else {
        line = candidate;
      }
      if (end < text.size() && text[end] == '\n') {
        lines.push_back(line);
        line.clear();
      }
      at = end + 1;
    }
    if (!line.empty() || lines.empty()) lines.push_back(line);
    return lines;
  }

  // The text cut with "…" to fit width.
  std::string Fit(std::string text, double width) {
    if (Advance(text) <= width) return text;
    while (!text.empty() && Advance(text + "…") > width) {
      text.pop_back();
      while (!text.empty() &&
             (static_cast<unsigned char>(text.back()) & 0xC0) == 0x80) {
        text.pop_back();
      }
      if (!text.empty() && static_cast<unsigned char>(text.back()) >= 0xC0) {
        text.pop_back();
      }
    }
    return text + "…";
  }

  void RoundedRectangle(double x, double y, double width, double height,
                        double radius) {
    cairo_new_sub_path(cr_);
    cairo_arc(cr_, x + width - radius, y + radius, radius, -M_PI / 2, 0);
    cairo_arc(cr_, x + width - radius, y + height - radius, radius, 0,
              M_PI / 2);
    cairo_arc(cr_, x + radius, y + height - radius, radius, M_PI / 2, M_PI);
    cairo_arc(cr_, x + radius, y + radius, radius, M_PI, 3 * M_PI / 2);
    cairo_close_path(cr_);
  }

  // Draws the page's footer. A page may end in the middle of a paragraph,
  // a table or the table of contents, whose next line is drawn with the
  // font and colour it set before: the footer leaves both as it found them.
  void Footer() {
    cairo_save(cr_);
    Font(8, false);
    cairo_set_source_rgb(cr_, 0.4, 0.4, 0.4);
    std::string number =
        t_["report"]["page"].get<std::string>() + " " + std::to_string(page_) +
        " " + t_["report"]["of"].get<std::string>() + " " +
        std::to_string(total_pages_ > 0 ? total_pages_ : page_);
    cairo_text_extents_t extents;
    cairo_text_extents(cr_, number.c_str(), &extents);
    double baseline = kPageHeight - kMargin + 14;
    cairo_move_to(cr_, kMargin, baseline);
    cairo_show_text(cr_, Fit(title_, Width() - extents.x_advance - 20).c_str());
    cairo_move_to(cr_, kMargin + Width() - extents.x_advance, baseline);
    cairo_show_text(cr_, number.c_str());
    std::string label = std::to_string(page_);
    cairo_pdf_surface_set_page_label(surface_, label.c_str());
    cairo_restore(cr_);
  }

  const std::vector<TocEntry>& known_toc_;
  int total_pages_;
  const json& t_;
  Output output_;
  cairo_surface_t* surface_ = nullptr;
  cairo_t* cr_ = nullptr;
  double y_ = 0;
  int page_ = 1;
  int last_outline_ = CAIRO_PDF_OUTLINE_ROOT;
  std::vector<TocEntry> toc_;
  std::string title_;
};

std::string Text(const json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

// The whole document, drawn on layout from the report's view.
void Draw(Layout& layout, const ProgressReport& report, const json& view,
          const json& t) {
  const json& r = t["report"];
  layout.SetTitle(Text(view["title"]));
  // The title page.
  layout.Space(180);
  layout.Paragraph(Text(r["covenant"]), 12, false, 0, {0.35, 0.35, 0.35});
  layout.Paragraph(Text(view["title"]), 26, true);
  layout.Space(10);
  layout.Paragraph(Text(r["basis"]) + " " + Text(view["upTo"]) + ".", 11);
  layout.Paragraph(Text(r["article"]), 11);
  layout.Space(20);
  layout.Badge(view["network"], Text(r["networkStatus"]));
  layout.NewPage();
  layout.Contents(Text(r["contents"]));
  layout.NewPage();

  // The summary.
  layout.Heading(Text(r["summary"]), 1, "samenvatting");
  layout.Badge(view["network"], Text(r["networkStatus"]));
  layout.Paragraph(Text(r["how"]) + ": " + Text(view["networkRule"]), 8.5,
                   false, 0, {0.35, 0.35, 0.35});
  std::vector<std::vector<std::string>> counts;
  for (const json& count : view["counts"]) {
    counts.push_back({Text(count["label"]), Text(count["count"])});
  }
  layout.Table({Text(r["status"]), Text(r["agreements"])}, counts, {3, 1});
  auto city_rows = [](const json& list) {
    std::vector<std::vector<std::string>> rows;
    for (const json& city : list) {
      rows.push_back({Text(city["name"]), Text(city["status"]["label"])});
    }
    return rows;
  };
  layout.Heading(Text(r["citiesAhead"]), 3, "");
  if (view["hasAhead"].get<bool>()) {
    layout.Table({Text(r["where"]), Text(r["status"])},
                 city_rows(view["ahead"]), {2, 2});
  } else {
    layout.Paragraph(Text(r["none"]));
  }
  layout.Heading(Text(r["citiesBehind"]), 3, "");
  if (view["hasBehind"].get<bool>()) {
    layout.Table({Text(r["where"]), Text(r["status"])},
                 city_rows(view["behind"]), {2, 2});
  } else {
    layout.Paragraph(Text(r["none"]));
  }
  layout.Paragraph(Text(r["aheadBehindRule"]), 8.5, false, 0,
                   {0.35, 0.35, 0.35});

  // The points for decision.
  layout.NewPage();
  layout.Heading(Text(r["decisions"]), 1, "besluitpunten");
  layout.Paragraph(Text(r["decisionsIntro"]));
  auto where_table = [&](const json& list) {
    std::vector<std::vector<std::string>> rows;
    for (const json& item : list) {
      rows.push_back({Text(item["name"]), Text(item["agreement"]),
                      Text(item["deadline"]), Text(item["where"])});
    }
    layout.Table({Text(r["indicator"]), Text(r["agreement"]),
                  Text(r["deadline"]), Text(r["where"])},
                 rows, {4, 2.2, 1.6, 4});
  };
  layout.Heading(Text(r["lateMilestones"]), 2, "te-laat");
  if (view["hasLate"].get<bool>()) {
    where_table(view["late"]);
  } else {
    layout.Paragraph(Text(r["none"]));
  }
  layout.Heading(Text(r["deteriorating"]), 2, "achteruitgang");
  if (view["hasDeteriorating"].get<bool>()) {
    std::vector<std::vector<std::string>> rows;
    for (const json& item : view["deteriorating"]) {
      rows.push_back(
          {Text(item["name"]), Text(item["where"]), Text(item["rule"])});
    }
    layout.Table({Text(r["indicator"]), Text(r["where"]), Text(r["how"])}, rows,
                 {3, 2, 5});
  } else {
    layout.Paragraph(Text(r["none"]));
  }
  layout.Heading(Text(r["beforeCovenant"]), 2, "voor-convenant");
  layout.Paragraph(Text(r["beforeCovenantIntro"]), 8.5, false, 0,
                   {0.35, 0.35, 0.35});
  if (view["hasBeforeCovenant"].get<bool>()) {
    where_table(view["beforeCovenant"]);
  } else {
    layout.Paragraph(Text(r["none"]));
  }

  // The themes.
  for (const json& theme : view["themes"]) {
    layout.NewPage();
    layout.Heading(Text(theme["name"]), 1, Text(theme["anchor"]));
    std::string leaders;
    for (const json& leader : theme["leaders"]) {
      leaders += (leaders.empty() ? "" : ", ") + Text(leader);
    }
    layout.Paragraph(Text(r["leaders"]) + ": " + leaders, 9);
    layout.Badge(theme["status"], Text(r["themeStatus"]));
    layout.Paragraph(Text(r["how"]) + ": " + Text(theme["rule"]), 8.5, false, 0,
                     {0.35, 0.35, 0.35});
    for (const json& agreement : theme["agreements"]) {
      std::string topic = Text(agreement["topic"]);
      layout.Heading(
          Text(agreement["label"]) + (topic.empty() ? "" : " — " + topic), 2,
          Text(agreement["anchor"]));
      layout.Badge(agreement["status"], Text(agreement["kind"]));
      layout.Paragraph(Text(agreement["rule"]), 8.5, false, 0,
                       {0.35, 0.35, 0.35});
      if (!agreement["hasIndicators"].get<bool>()) {
        layout.Paragraph(Text(r["noIndicator"]), 9, false, 12);
      }
      for (const json& indicator : agreement["indicators"]) {
        layout.Paragraph(Text(indicator["name"]), 10, true, 12);
        layout.Paragraph(Text(r["target"]) + " " + Text(indicator["target"]) +
                             ", " + Text(r["deadline"]) + " " +
                             Text(indicator["deadline"]) + ", " +
                             Text(indicator["scope"]),
                         8.5, false, 12, {0.35, 0.35, 0.35});
        layout.Badge(indicator["status"], "", 12);
        layout.Paragraph(Text(r["how"]) + ": " + Text(indicator["rule"]), 8,
                         false, 12, {0.35, 0.35, 0.35});
        if (indicator["hasCounts"].get<bool>()) {
          std::string counts_text;
          for (const json& count : indicator["counts"]) {
            counts_text += (counts_text.empty() ? "" : " · ") +
                           Text(count["label"]) + ": " + Text(count["count"]);
          }
          layout.Paragraph(Text(r["perCityStatus"]) + ": " + counts_text, 8,
                           false, 12, {0.35, 0.35, 0.35});
        }
        if (const Chart* chart = report.ChartOf(Text(indicator["id"]))) {
          layout.DrawChart(
              *chart, chart->description + ". " + Text(r["networkLine"]) + ".");
        }
      }
    }
    layout.Heading(Text(r["themeCities"]), 3, "");
    auto names = [](const json& list) {
      std::string out;
      for (const json& city : list) {
        out += (out.empty() ? "" : ", ") + Text(city["name"]) + " (" +
               Text(city["status"]["label"]) + ")";
      }
      return out;
    };
    layout.Paragraph(Text(r["citiesAhead"]) + ": " +
                         (theme["hasAhead"].get<bool>() ? names(theme["ahead"])
                                                        : Text(r["none"])),
                     9);
    layout.Paragraph(
        Text(r["citiesBehind"]) + ": " +
            (theme["hasBehind"].get<bool>() ? names(theme["behind"])
                                            : Text(r["none"])),
        9);
  }

  // The procedures' sections.
  for (const json& section : view["sections"]) {
    layout.NewPage();
    layout.Heading(Text(section["title"]), 1, Text(section["anchor"]));
    for (const json& paragraph : section["paragraphs"]) {
      layout.Paragraph(Text(paragraph));
    }
    if (section["hasTable"].get<bool>()) {
      std::vector<std::string> columns;
      for (const json& column : section["columns"]) {
        columns.push_back(Text(column));
      }
      std::vector<std::vector<std::string>> rows;
      for (const json& row : section["rows"]) {
        std::vector<std::string> cells;
        for (const json& cell : row["cells"]) cells.push_back(Text(cell));
        rows.push_back(std::move(cells));
      }
      layout.Table(columns, rows, std::vector<double>(columns.size(), 1.0));
    }
  }

  // The method.
  layout.NewPage();
  layout.Heading(Text(r["method"]), 1, "methode");
  layout.Paragraph(Text(r["methodIntro"]));
  for (const json& band : view["bands"]) layout.Badge(band, Text(band["text"]));
  for (const char* key :
       {"methodGrowth", "methodMilestones", "methodRollUp", "methodCovenant"}) {
    layout.Paragraph(Text(r[key]));
  }
  layout.Paragraph(Text(r["footer"]), 8.5, false, 0, {0.35, 0.35, 0.35});
}

}  // namespace

Result<std::string> ProgressReport::Pdf() const {
  const json& t = pages_->Translations(language_);
  json view = ReportView(*this, *pages_, language_);
  // The first pass finds the headings (its contents are empty); the second
  // lays the contents out with as many lines as they will have, which finds
  // the page of every heading and the number of pages; the third draws.
  std::vector<TocEntry> none;
  std::vector<TocEntry> headings;
  {
    Layout first(none, 0, t);
    Draw(first, *this, view, t);
    headings = first.toc();
  }
  std::vector<TocEntry> toc;
  int pages = 0;
  {
    Layout second(headings, 0, t);
    Draw(second, *this, view, t);
    toc = second.toc();
    pages = second.page();
  }
  Layout layout(toc, pages, t);
  Draw(layout, *this, view, t);
  return layout.Finish();
}

}  // namespace smartercities::report
