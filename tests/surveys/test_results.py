from surveys.models import QuestionKind
from surveys.selectors import survey_results
from surveys.services import survey_close


def _by_kind(results):
    return {item["kind"]: item for item in results["questions"]}


def test_results_match_hand_built_answers(kit):
    w = kit.w
    survey = kit.open()
    kit.answer(survey, w.owner, single=0, multiple=(0, 1), rating=5, nps=10, text="Great")
    kit.answer(survey, w.household, single=1, multiple=(1,), rating=3, nps=6, text="")
    kit.answer(survey, w.neighbour, single=0, multiple=(2,), rating=4, nps=9, text="More bins")
    kit.answer(survey, w.far_owner, submit=False, rating=1)  # a draft does not count
    results = survey_results(survey)
    assert results["responses"] == 3 and results["invited"] == 4
    assert results["response_rate"] == 75.0
    q = _by_kind(results)
    assert [(r["label"], r["count"]) for r in q["single"]["rows"]] == [("Garage", 2),
                                                                      ("Street", 1)]
    assert [(r["label"], r["count"]) for r in q["multiple"]["rows"]] == [
        ("Gym", 1), ("Pool", 2), ("Garden", 1)]
    assert q["multiple"]["answered"] == 3
    assert q["rating"]["average"] == 4.0
    assert [r["count"] for r in q["rating"]["rows"]] == [0, 0, 1, 1, 1]
    # NPS: promoters 10 and 9 (2), detractor 6 (1), of 3 -> (2 - 1) / 3
    assert q["nps"]["nps"] == 33.3
    assert q["nps"]["average"] == round(25 / 3, 2)
    assert sorted(q["text"]["texts"]) == ["Great", "More bins"]
    assert q["text"]["answered"] == 2


def test_results_filter_by_property_and_building(kit):
    w = kit.w
    survey = kit.open()
    kit.answer(survey, w.owner, rating=5)
    kit.answer(survey, w.far_owner, rating=1)
    survey_close(access=kit.manager, survey=survey)
    near = survey_results(survey, property_id=w.property.pk)
    far = survey_results(survey, building_id=w.other_building.pk)
    assert near["responses"] == 1 and far["responses"] == 1
    assert _by_kind(near)["rating"]["average"] == 5.0
    assert _by_kind(far)["rating"]["average"] == 1.0
    assert _by_kind(far)[QuestionKind.SINGLE]["answered"] == 1


def test_results_take_a_constant_number_of_queries(kit, django_assert_max_num_queries):
    survey = kit.open()
    kit.answer(survey, kit.w.owner)
    with django_assert_max_num_queries(8):
        survey_results(survey)
    for user in (kit.w.household, kit.w.neighbour, kit.w.far_owner):
        kit.answer(survey, user)
    with django_assert_max_num_queries(8):
        survey_results(survey)
