"""Seed step 450: in sunrise's first property, one open owners' vote with about half of the
units' ballots in, and one closed vote with its stored result. Matched on titles; ballots
and the snapshot on (vote, unit), so a second run writes nothing."""

from datetime import timedelta

from portal.demo import DemoContext, seed_step
from portal.tenancy.models import Residency

from . import tally
from .models import Ballot, BallotAudit, EligibleUnit, Matter, Vote
from .services.lifecycle import count_vote, take_snapshot

OPEN_TITLE = "关于增设电动自行车充电桩的表决"
CLOSED_TITLE = "关于续聘物业服务企业及使用维修资金更换电梯的表决"
OPEN_DESCRIPTION = (
    "拟在小区北侧绿地边的共有部分增设 40 个电动自行车充电桩，由业委会委托第三方运营。"
)
MATTERS = {
    OPEN_TITLE: [
        ("在小区北侧利用共有部分增设电动自行车充电桩并收取服务费", Matter.Class.MAJOR),
        ("修订《管理规约》第十二条（电动车停放）", Matter.Class.ORDINARY),
    ],
    CLOSED_TITLE: [
        ("续聘现物业服务企业，服务期三年", Matter.Class.ORDINARY),
        ("使用专项维修资金更换 3 号楼两部电梯", Matter.Class.ORDINARY),
        ("筹集专项维修资金（每平方米 20 元）", Matter.Class.MAJOR),
    ],
}


@seed_step(order=450)
def votes(ctx: DemoContext) -> None:
    seed = ctx.orgs.get("sunrise")
    if seed is None or not seed.properties:
        return
    org, prop = seed.organization, seed.properties[0]
    author = seed.people.get("manager")
    now = ctx.now.replace(second=0, microsecond=0)
    planned = [
        Vote(organization=org, property=prop, title=OPEN_TITLE, status=Vote.Status.OPEN,
             description=OPEN_DESCRIPTION,
             announced_at=now - timedelta(days=20), opens_at=now - timedelta(days=3),
             opened_at=now - timedelta(days=3), closes_at=now + timedelta(days=11),
             created_by=author),
        Vote(organization=org, property=prop, title=CLOSED_TITLE, status=Vote.Status.CLOSED,
             description="业主大会定期会议表决事项。", announced_at=now - timedelta(days=80),
             opens_at=now - timedelta(days=60), opened_at=now - timedelta(days=60),
             closes_at=now - timedelta(days=45), closed_at=now - timedelta(days=45),
             created_by=author),
    ]
    saved = ctx.ensure(Vote.objects.filter(organization=org), planned, key=("title",))
    rng = ctx.rng("votes")
    for (title,), vote in saved.items():
        ctx.ensure(
            Matter.objects.filter(vote=vote),
            [Matter(organization=org, vote=vote, position=i, title=t, matter_class=c)
             for i, (t, c) in enumerate(MATTERS[title], start=1)],
            key=("position",),
        )
        if not EligibleUnit.objects.filter(vote=vote).exists():
            take_snapshot(vote)
        share = 0.5 if title == OPEN_TITLE else 0.8
        # The demo owner's own home is left to vote in by hand.
        _ballots(ctx, rng, vote, share, skip_user=getattr(seed.people.get("owner"), "pk", None))
        if vote.status == Vote.Status.CLOSED and not vote.result:
            vote.result = tally.as_json(count_vote(vote))
            vote.save(update_fields=["result"])


def _ballots(ctx: DemoContext, rng, vote: Vote, share: float, skip_user) -> None:
    org = vote.organization
    matters = list(Matter.objects.filter(vote=vote).values_list("pk", flat=True))
    owners = dict(
        Residency.objects.filter(
            organization=org, unit__property_id=vote.property_id, is_active=True,
            relation=Residency.Relation.OWNER, verified_at__isnull=False,
        ).order_by("user_id").values_list("unit_id", "user_id")
    )
    unit_ids = sorted(EligibleUnit.objects.filter(vote=vote).values_list("unit_id", flat=True))
    weights = (tally.FOR, tally.FOR, tally.FOR, tally.AGAINST, tally.ABSTAIN)
    planned = []
    for unit_id in unit_ids:
        draw = rng.random()
        choices = {str(pk): rng.choice(weights) for pk in matters}
        if draw >= share or unit_id not in owners or owners[unit_id] == skip_user:
            continue
        planned.append(Ballot(
            organization=org, vote=vote, unit_id=unit_id, choices=choices,
            channel=Ballot.Channel.WEB, voter_id=owners[unit_id],
        ))
    saved = ctx.ensure(Ballot.objects.filter(vote=vote), planned, key=("unit_id",))
    ctx.ensure(
        BallotAudit.objects.filter(vote=vote),
        [BallotAudit(organization=org, vote=vote, ballot=b, unit_id=b.unit_id,
                     action=BallotAudit.Action.CAST, actor_id=b.voter_id,
                     detail={"channel": "web", "choices": b.choices})
         for b in saved.values()],
        key=("ballot_id",),
    )
