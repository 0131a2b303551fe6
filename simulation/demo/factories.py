"""The demo world's organizations, people and factory floors (Lusong district, Zhuzhou)."""

from datetime import date
from decimal import Decimal

from core.models import Membership, Organization, User
from core.roles import OrgKind, Role
from core.services import platform_operator_create
from factories.models import District, Factory, Partnership, SewingLine, Station, Worker
from factories.services import (
    factory_cost_settings_update,
    partnership_invite,
    partnership_respond,
    tenant_provision,
    worker_user_link,
)

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
)
GIVEN = "芳娟敏静丽艳霞燕红梅兰英秀华玲平桂珍凤琴云莲雪萍洁春"

FACTORIES = [
    # code, name, categories, MOQ, lines, workers per line, rate per SAM minute
    ("zz-lusong", "株洲芦淞示范服装厂", ["woven", "plus_size", "knit"], 100, 3, 40, "0.36"),
    ("zz-denim", "芦淞牛仔制衣厂", ["denim", "woven"], 300, 2, 25, "0.34"),
    ("zz-kids", "芦淞童装厂", ["childrens", "knit"], 200, 1, 20, "0.33"),
]
MERCHANTS = [
    ("m-curve", "丰盈女装（大码）", "Curve plus-size womenswear"),
    ("m-city", "城市衣橱电商", "City Closet e-commerce"),
]
SUPPLIERS = [
    ("s-fabric", "湘江面料有限公司"),
    ("s-trims", "株洲辅料商行"),
]
# A partnership that goes through the invitation and the partner's answer (factory, partner).
INVITED = ("zz-kids", "m-city")
FACTORY_ROLES = [
    ("owner", Role.FACTORY_OWNER),
    ("manager", Role.FACTORY_MANAGER),
    ("planner", Role.PLANNER),
    ("supervisor", Role.SUPERVISOR),
    ("qc", Role.QC_INSPECTOR),
    ("warehouse", Role.WAREHOUSE_CLERK),
    ("payroll", Role.PAYROLL_CLERK),
    ("worker", Role.WORKER),
]


# The platform operator's login: the console at /platform/ (tenants, provisioning, invitations).
OPERATOR = "zz-operator"


def _org(code, name, kind, **profile):
    """The tenant `code`, provisioned as the platform console does (factories.services.
    tenant_provision) the first time; the demo's people are made below, so no owner link."""
    org = Organization.objects.filter(code=code).first()
    if org is None:
        org = tenant_provision(
            kind=kind, code=code, name=name, invite_owner=False, **profile
        ).organization
    return org


def _user(world, username, org, role, display_name=""):
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": display_name, "language": "zh-hans"}
    )
    if created:
        user.set_password(world.password)
        user.save(update_fields=["password"])
    Membership.objects.get_or_create(user=user, organization=org, defaults={"role": role})
    world.logins.append((username, org.name, Role(role).label))
    return user


def _worker_name(index: int) -> str:
    return SURNAMES[index % len(SURNAMES)] + GIVEN[(index * 7) % len(GIVEN)]


def seed(world) -> None:
    if not User.objects.filter(username=OPERATOR).exists():
        platform_operator_create(username=OPERATOR, password=world.password)
    world.logins.append((OPERATOR, "Seamline", "platform operator"))
    district_org = _org("lusong", "芦淞区（株洲）", OrgKind.DISTRICT, city="株洲", province="湖南")
    district = District.objects.get(organization=district_org)
    _user(world, "lusong-official", district_org, Role.DISTRICT_OFFICIAL, "区经信局")
    world.district = district

    world.merchants = [_org(code, name, OrgKind.MERCHANT) for code, name, _en in MERCHANTS]
    world.suppliers = [_org(code, name, OrgKind.SUPPLIER) for code, name in SUPPLIERS]
    for merchant in world.merchants:
        _user(world, f"{merchant.code}-buyer", merchant, Role.MERCHANT_BUYER)
    for supplier in world.suppliers:
        _user(world, f"{supplier.code}-sales", supplier, Role.SUPPLIER_SALES)

    world.factories = []
    for index, (code, name, categories, moq, lines, per_line, rate) in enumerate(FACTORIES):
        is_new = not Organization.objects.filter(code=code).exists()
        org = _org(code, name, OrgKind.FACTORY, district=district)
        factory = Factory.objects.get(organization=org)
        if is_new:
            # The demo's profile beyond what provisioning asks (the owner's set-up pages' part).
            Factory.objects.filter(pk=factory.pk).update(
                address=f"湖南省株洲市芦淞区服饰产业园 {index + 1} 号",
                categories=categories,
                minimum_order_quantity=moq,
                headcount=lines * per_line + 10,
                rate_per_minute=Decimal(rate),
                shares_with_district=index != 2,
            )
            factory.refresh_from_db()
        world.factories.append(factory)
        roles = FACTORY_ROLES if index == 0 else FACTORY_ROLES[:2]
        owner = None
        for suffix, role in roles:
            user = _user(world, f"{code}-{suffix}", org, role)
            owner = owner or user
        if not factory.machine_hour_rate:
            # The owner's costing figures (payroll's actual cost and the pre-cost use them).
            factory_cost_settings_update(
                factory=factory, overhead_pct="12", machine_hour_rate="4.50", by=owner
            )
        for partner in [*world.merchants, *world.suppliers]:
            if (code, partner.code) == INVITED:
                continue
            Partnership.objects.get_or_create(
                factory=factory,
                partner=partner,
                defaults={"status": Partnership.Status.ACCEPTED, "invited_by": owner},
            )
        _floor(factory, lines=lines, per_line=per_line, offset=index * 1000)
    world.factory = world.factories[0]
    _invitation_answered(world)
    # The demo factory's worker login is one of its operators.
    worker = Worker.objects.get(factory=world.factory, employee_no="A0001")
    if worker.user_id is None:
        worker_user_link(
            worker=worker,
            user=User.objects.get(username="zz-lusong-worker"),
            by=User.objects.get(username="zz-lusong-manager"),
        )


def _invitation_answered(world) -> None:
    """The children's-wear factory invites the e-commerce merchant, which accepts."""
    factory_code, partner_code = INVITED
    factory = next(f for f in world.factories if f.code == factory_code)
    if Partnership.objects.filter(factory=factory, partner__code=partner_code).exists():
        return
    owner = User.objects.get(username=f"{factory_code}-owner")
    partnership = partnership_invite(factory=factory, partner_code=partner_code, by=owner)
    buyer = User.objects.get(username=f"{partner_code}-buyer")
    partnership_respond(partnership=partnership, accept=True, by=buyer)


def _floor(factory, *, lines: int, per_line: int, offset: int) -> None:
    for line_no in range(1, lines + 1):
        line, _ = SewingLine.objects.get_or_create(
            factory=factory,
            code=f"L{line_no}",
            defaults={"name": f"{line_no}号吊挂线", "planned_headcount": per_line},
        )
        for position in range(1, per_line + 1):
            Station.objects.get_or_create(
                factory=factory,
                code=f"L{line_no}-S{position:02d}",
                defaults={"line": line, "position": position, "machine_type": "平车"},
            )
        for seat in range(1, per_line + 1):
            number = (line_no - 1) * per_line + seat
            Worker.objects.get_or_create(
                factory=factory,
                employee_no=f"{chr(64 + line_no)}{number:04d}",
                defaults={
                    "badge_id": f"B{offset + number:06d}",
                    "name": _worker_name(offset + number),
                    "line": line,
                    "grade": 1 + number % 4,
                    "hired_on": date(2023, 1 + number % 12, 1 + number % 27),
                    "bank_account": f"6217 0000 {offset + number:08d}",
                },
            )
