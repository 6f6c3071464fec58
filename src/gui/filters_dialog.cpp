// The filters editor's window (filters_dialog.h).
#include "gui/filters_dialog.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include "gui/filter_monitor.h"

namespace cue::gui {

namespace {

constexpr int kIdRole = Qt::UserRole + 1;

QTableWidget* makeTable(const char* name, const QStringList& headers, QWidget* parent) {
  auto* t = new QTableWidget(0, static_cast<int>(headers.size()), parent);
  t->setObjectName(QString::fromLatin1(name));
  t->setHorizontalHeaderLabels(headers);
  t->setSelectionBehavior(QAbstractItemView::SelectRows);
  t->setSelectionMode(QAbstractItemView::SingleSelection);
  t->setEditTriggers(QAbstractItemView::NoEditTriggers);
  t->verticalHeader()->hide();
  t->horizontalHeader()->setStretchLastSection(true);
  t->setAlternatingRowColors(true);
  return t;
}

// Fills `table` with `rows` (each: id, then its cells), keeping the selected id selected.
void setRows(QTableWidget* table, const std::vector<std::pair<std::string, QStringList>>& rows) {
  QString kept;
  if (auto* item = table->currentItem()) kept = table->item(item->row(), 0)->data(kIdRole).toString();
  table->setRowCount(static_cast<int>(rows.size()));
  for (int r = 0; r < static_cast<int>(rows.size()); ++r) {
    for (int c = 0; c < rows[r].second.size(); ++c) {
      auto* item = new QTableWidgetItem(rows[r].second[c]);
      item->setData(kIdRole, QString::fromStdString(rows[r].first));
      table->setItem(r, c, item);
    }
    if (!kept.isEmpty() && QString::fromStdString(rows[r].first) == kept) table->selectRow(r);
  }
}

QPushButton* button(const char* name, const QString& text, QWidget* parent, QLayout* layout) {
  auto* b = new QPushButton(text, parent);
  b->setObjectName(QString::fromLatin1(name));
  layout->addWidget(b);
  return b;
}

}  // namespace

FiltersDialog::FiltersDialog(std::unique_ptr<FilterMonitor> monitor, const QString& show_name,
                             QWidget* parent)
    : QDialog(parent),
      monitor_(std::move(monitor)),
      confirm_(defaultConfirm()),
      choose_(defaultChoose()),
      ask_text_(defaultAskText()),
      ask_number_(defaultAskNumber()) {
  setWindowTitle(tr("Filters of %1").arg(show_name));
  auto* layout = new QVBoxLayout(this);
  auto* split = new QSplitter(Qt::Horizontal, this);

  auto* left = new QWidget(split);
  auto* left_layout = new QVBoxLayout(left);
  filters_ = makeTable("filters", {tr("Filter"), tr("Type"), tr("Enabled")}, left);
  left_layout->addWidget(filters_, 1);
  auto* filter_buttons = new QHBoxLayout;
  auto* add_filter = button("addFilter", tr("Add..."), left, filter_buttons);
  auto* delete_filter = button("deleteFilter", tr("Delete..."), left, filter_buttons);
  auto* toggle = button("toggleEnabled", tr("Enable/Disable"), left, filter_buttons);
  auto* type = button("filterType", tr("Type..."), left, filter_buttons);
  left_layout->addLayout(filter_buttons);

  auto* right = new QWidget(split);
  auto* right_layout = new QVBoxLayout(right);
  right_layout->addWidget(new QLabel(tr("Matchers: which jobs"), right));
  matchers_ = makeTable("matchers", {tr("Subject"), tr("Comparison"), tr("Text")}, right);
  right_layout->addWidget(matchers_, 1);
  auto* matcher_buttons = new QHBoxLayout;
  auto* add_matcher = button("addMatcher", tr("Add matcher..."), right, matcher_buttons);
  auto* delete_matcher = button("deleteMatcher", tr("Delete matcher"), right, matcher_buttons);
  right_layout->addLayout(matcher_buttons);
  right_layout->addWidget(new QLabel(tr("Actions: what is done to them at launch"), right));
  actions_ = makeTable("actions", {tr("Action"), tr("Value")}, right);
  right_layout->addWidget(actions_, 1);
  auto* action_buttons = new QHBoxLayout;
  auto* add_action = button("addAction", tr("Add action..."), right, action_buttons);
  auto* delete_action = button("deleteAction", tr("Delete action"), right, action_buttons);
  right_layout->addLayout(action_buttons);
  split->addWidget(left);
  split->addWidget(right);
  layout->addWidget(split, 1);
  status_ = new QLabel(this);
  status_->setObjectName(QStringLiteral("status"));
  layout->addWidget(status_);
  resize(1000, 520);

  connect(filters_, &QTableWidget::itemSelectionChanged, this, [this] {
    if (!filling_) monitor_->select(selectedFilterId());
  });
  connect(add_filter, &QPushButton::clicked, this, &FiltersDialog::addFilter);
  connect(delete_filter, &QPushButton::clicked, this, &FiltersDialog::deleteFilter);
  connect(toggle, &QPushButton::clicked, this, [this] {
    const std::string id = selectedFilterId();
    for (const core::Filter& f : monitor_->filters()) {
      if (f.id == id) monitor_->setEnabled(id, !f.enabled);
    }
  });
  connect(type, &QPushButton::clicked, this, [this] {
    const std::string id = selectedFilterId();
    if (id.empty()) return;
    const QString chosen = choose_(this, tr("Filter type"), tr("A job must match:"), filterTypeNames());
    if (!chosen.isEmpty()) {
      monitor_->setType(id, static_cast<core::FilterType>(filterTypeNames().indexOf(chosen)));
    }
  });
  connect(add_matcher, &QPushButton::clicked, this, &FiltersDialog::addMatcher);
  connect(delete_matcher, &QPushButton::clicked, this, [this] {
    const std::string id = selectedRowId(matchers_);
    if (!id.empty()) monitor_->deleteMatcher(id);
  });
  connect(add_action, &QPushButton::clicked, this, &FiltersDialog::addAction);
  connect(delete_action, &QPushButton::clicked, this, [this] {
    const std::string id = selectedRowId(actions_);
    if (!id.empty()) monitor_->deleteAction(id);
  });
  connect(monitor_.get(), &FilterMonitor::refreshed, this, &FiltersDialog::fill);
  connect(monitor_.get(), &FilterMonitor::actionDone, status_, &QLabel::setText);
  connect(monitor_.get(), &FilterMonitor::actionFailed, this, [this](const QString& m) {
    status_->setText(m);
    showError(this, tr("Filters"), m);
  });
  connect(monitor_.get(), &FilterMonitor::connectionChanged, this,
          [this](bool connected, const QString& m) {
            if (!connected) status_->setText(tr("The cuebot does not answer: %1").arg(m));
          });
}

FiltersDialog::~FiltersDialog() { monitor_.reset(); }

void FiltersDialog::fill() {
  filling_ = true;
  std::vector<std::pair<std::string, QStringList>> rows;
  for (const core::Filter& f : monitor_->filters()) {
    rows.push_back({f.id,
                    {QString::fromStdString(f.name), filterTypeNames().value(static_cast<int>(f.type)),
                     f.enabled ? tr("yes") : tr("no")}});
  }
  setRows(filters_, rows);
  rows.clear();
  for (const core::Matcher& m : monitor_->matchers()) {
    rows.push_back({m.id,
                    {matchSubjectNames().value(static_cast<int>(m.subject)),
                     matchTypeNames().value(static_cast<int>(m.type)), QString::fromStdString(m.input)}});
  }
  setRows(matchers_, rows);
  rows.clear();
  for (const core::Action& a : monitor_->actions()) {
    rows.push_back({a.id, {actionTypeNames().value(static_cast<int>(a.type)), actionValueText(a)}});
  }
  setRows(actions_, rows);
  filling_ = false;
}

bool FiltersDialog::selectFilter(const QString& name) {
  for (int r = 0; r < filters_->rowCount(); ++r) {
    if (filters_->item(r, 0)->text() == name) {
      filters_->selectRow(r);
      return true;
    }
  }
  return false;
}

std::string FiltersDialog::selectedRowId(QTableWidget* table) const {
  const QList<QTableWidgetItem*> items = table->selectedItems();
  return items.isEmpty() ? std::string() : items.front()->data(kIdRole).toString().toStdString();
}

std::string FiltersDialog::selectedFilterId() const { return selectedRowId(filters_); }

void FiltersDialog::addFilter() {
  const QString name = ask_text_(this, tr("Add filter"), tr("Name of the new filter:"));
  if (!name.isEmpty()) monitor_->createFilter(name);
}

void FiltersDialog::deleteFilter() {
  const QList<QTableWidgetItem*> items = filters_->selectedItems();
  if (items.isEmpty()) return;
  if (confirmItems(confirm_, this, tr("Delete filter"),
                   tr("Delete this filter, its matchers and its actions?"),
                   {filters_->item(items.front()->row(), 0)->text()})) {
    monitor_->deleteFilter(selectedFilterId());
  }
}

void FiltersDialog::addMatcher() {
  if (monitor_->selected().empty()) return;
  core::Matcher m;
  const QString subject = choose_(this, tr("Add matcher"), tr("Compare the job's:"), matchSubjectNames());
  if (subject.isEmpty()) return;
  const QString type = choose_(this, tr("Add matcher"), tr("%1 must:").arg(subject), matchTypeNames());
  if (type.isEmpty()) return;
  const QString input = ask_text_(this, tr("Add matcher"), tr("%1 %2:").arg(subject, type));
  if (input.isEmpty()) return;
  m.subject = static_cast<core::MatchSubject>(matchSubjectNames().indexOf(subject));
  m.type = static_cast<core::MatchType>(matchTypeNames().indexOf(type));
  m.input = input.toStdString();
  monitor_->addMatcher(m);
}

void FiltersDialog::addAction() {
  if (monitor_->selected().empty()) return;
  const QString type = choose_(this, tr("Add action"), tr("Do to a matching job:"), actionTypeNames());
  if (type.isEmpty()) return;
  core::Action a;
  a.type = static_cast<core::ActionType>(actionTypeNames().indexOf(type));
  a.value_type = actionValueType(a.type);
  switch (a.value_type) {
    case core::ActionValueType::kBoolean: {
      const QString v = choose_(this, tr("Add action"), type, {QStringLiteral("true"), QStringLiteral("false")});
      if (v.isEmpty()) return;
      a.boolean_value = v == QLatin1String("true");
      break;
    }
    case core::ActionValueType::kInteger: {
      auto v = ask_number_(this, {tr("Add action"), type, 0, 0, 1e12, 0});
      if (!v) return;
      a.integer_value = static_cast<int64_t>(*v);
      break;
    }
    case core::ActionValueType::kFloat: {
      auto v = ask_number_(this, {tr("Add action"), tr("%1 (cores):").arg(type), 1, 0, 1e6, 2});
      if (!v) return;
      a.float_value = static_cast<float>(*v);
      break;
    }
    case core::ActionValueType::kString:
    case core::ActionValueType::kGroup: {
      const QString v = ask_text_(this, tr("Add action"), type);
      if (v.isEmpty()) return;
      (a.value_type == core::ActionValueType::kString ? a.string_value : a.group_value) = v.toStdString();
      break;
    }
    case core::ActionValueType::kNone:
      break;
  }
  monitor_->addAction(a);
}

}  // namespace cue::gui
