"""Hostile text through surveys (issue #10): every payload of the corpus in a survey's title
and description, a question's text, a choice's label, an owner's free-text answer and a
respondent's name; shown on the owner's list and answer page, the manager's list, builder,
preview and results, the home pages, the notification centre and emails, and in the CSV and
XLSX exports, where no cell may be a formula."""

import datetime as dt

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from portal.tenancy.access import compute_access
from surveys.models import QuestionKind
from surveys.services import question_save, response_save, survey_create, survey_schedule
from tests import factories as f

from .test_xss_features import (
    CORPUS,
    assert_inert,
    cells_show,
    client_for,
    crowd,
    csv_cells,
    emails_after_delivery,
    formula_cells,
    html_pages,
    name_of,
    seeded_world,
    shown_text,
    title_of,
    xlsx_cells,
)

GROUP = 8
GROUPS = [CORPUS[i:i + GROUP] for i in range(0, len(CORPUS), GROUP)]
pytestmark = pytest.mark.django_db



def _seed(w):
    now = timezone.now()
    manager = compute_access(w.manager, w.org)
    with scopes_disabled():
        w.manager.full_name = name_of(CORPUS[3])
        w.manager.save(update_fields=["full_name"])
    people = crowd(f.UnitFactory(building=w.building, number="103", floor=1), CORPUS)
    drafts = [survey_create(access=manager, title=title_of(" ".join(group)),
                            description="\n\n".join(group)).pk for group in GROUPS]
    survey = survey_create(
        access=manager, title=title_of(" ".join(CORPUS[-GROUP:])),
        description="\n\n".join(CORPUS[:GROUP]), opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=7))
    choices, texts = [], []
    for group in GROUPS:
        choices.append(question_save(
            access=manager, survey=survey, kind=QuestionKind.SINGLE, required=False,
            text=title_of(" ".join(group), 500), choices=group))
        texts.append(question_save(
            access=manager, survey=survey, kind=QuestionKind.TEXT, required=False,
            text=title_of(" ".join(reversed(group)), 500), help_text=group[0][:500]))
    survey = survey_schedule(access=manager, survey=survey)
    for index, person in enumerate(people):
        question, text = choices[index // GROUP], texts[index // GROUP]
        choice = list(question.choices.order_by("order"))[index % GROUP]
        response_save(access=compute_access(person, w.org), survey=survey, submit=True,
                      answers={question.pk: choice.pk, text.pk: CORPUS[index]})
    return {"survey": survey.pk, "drafts": drafts}


def _render(w, seeded) -> dict:
    pages: dict[str, object] = {}

    def get(client, name, url, **params):
        response = client.get(url, params)
        assert response.status_code == 200, (name, response.status_code)
        pages[name] = (response.content if name.startswith(("csv", "xlsx"))
                       else response.content.decode())

    o, pk = "/o/sunrise/surveys", seeded["survey"]
    owner, manager = client_for(w.owner), client_for(w.manager)
    get(owner, "owner list", f"{o}/")
    get(owner, "owner answer", f"{o}/{pk}/")
    get(owner, "owner home", "/o/sunrise/")
    get(owner, "owner notifications", "/notifications/")
    get(manager, "manager list", f"{o}/manage/")
    get(manager, "manager home", "/o/sunrise/")
    get(manager, "manager builder", f"{o}/manage/{pk}/")
    get(manager, "manager preview", f"{o}/manage/{pk}/preview/")
    get(manager, "manager results", f"{o}/manage/{pk}/results/")
    get(manager, "manager rate", f"{o}/manage/{pk}/results/rate/")
    for index, draft in enumerate(seeded["drafts"]):
        get(manager, f"draft builder {index}", f"{o}/manage/{draft}/")
    get(manager, "csv", f"{o}/manage/{pk}/export.csv")
    get(manager, "xlsx", f"{o}/manage/{pk}/export.xlsx")
    pages |= emails_after_delivery()
    return pages


@pytest.fixture(scope="module")
def shown(django_db_setup, django_db_blocker, tmp_path_factory):
    with seeded_world(django_db_blocker, tmp_path_factory.mktemp("media")) as w:
        with scope(organization=w.org):
            seeded = _seed(w)
            pages = _render(w, seeded)
        yield pages



@pytest.mark.parametrize("index", range(len(CORPUS)), ids=lambda i: f"p{i:03d}")
def test_each_payload_is_shown_as_text_on_the_answer_results_and_builder_pages(shown, index):
    payload = CORPUS[index].strip()
    group = index // GROUP
    for name in ("owner answer", "manager results", "manager preview",
                 f"draft builder {group}"):
        assert payload[:150] in shown_text(shown[name]), f"{name}: not shown"


def test_every_page_and_email_is_inert(shown):
    pages = html_pages(shown)
    assert sum(name.startswith("email ") for name in pages) >= len(CORPUS)
    assert len(pages) > len(GROUPS) + 10
    for name, markup in pages.items():
        assert_inert(name, markup)
    emails = shown_text("".join(m for n, m in pages.items() if n.startswith("email ")))
    assert all(name_of(p).strip() in emails for p in CORPUS), "emails greet people by name"


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_exports_have_no_formula(shown, kind):
    cells = csv_cells(shown["csv"]) if kind == "csv" else xlsx_cells(shown["xlsx"])
    assert all(cells_show(cells, name_of(p)) for p in CORPUS)
    found = formula_cells(cells)
    assert not found, f"{kind}: {len(found)} cells would run as formulas: {found[:5]}"


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_exports_hold_every_answer_and_name(shown, kind):
    cells = csv_cells(shown["csv"]) if kind == "csv" else xlsx_cells(shown["xlsx"])
    missing = [p for p in CORPUS if not cells_show(cells, p[:150])]
    assert not missing, missing[:5]
