import re
import pytest
from django.test import Client
from tests.worlds import build_world

pytestmark = pytest.mark.django_db

PAGES = {
 "factory_manager": ["/", "/orders/", "/orders/styles/", "/orders/quotations/", "/production/work-orders/", "/production/wip/", "/production/records/", "/production/cutting/", "/production/quality/", "/inventory/", "/inventory/purchase-orders/", "/inventory/shortages/", "/inventory/counts/", "/payroll/", "/payroll/disputes/", "/payroll/rates/", "/payroll/attendance/", "/payroll/costing/", "/devices/", "/devices/alarms/", "/dashboards/", "/dashboards/profile/", "/people/", "/audit/", "/tokens/", "/factories/partners/"],
 "merchant_buyer": ["/orders/", "/dashboards/tracking/", "/orders/new/"],
 "worker": ["/payroll/me/"],
}

def visible_words(html):
    html = re.sub(r"<script.*?</script>|<style.*?</style>", " ", html, flags=re.S)
    html = re.sub(r"<[^>]+>", " ", html)
    return re.findall(r"[A-Za-z][A-Za-z'’\- ]{2,}", html)

def test_scratch():
    w = build_world("zz")
    extra = {"factory_manager": [f"/production/work-orders/{w.work_order.pk}/", f"/orders/{w.order.pk}/", f"/orders/tech-packs/{w.version.pk}/", f"/payroll/periods/{w.pay_period.pk}/", f"/payroll/costing/tech-packs/{w.version.pk}/"],
             "merchant_buyer": [f"/orders/{w.order.pk}/", f"/orders/{w.order.pk}/production/"]}
    for role, pages in PAGES.items():
        c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        c.force_login(w.users[role])
        for url in pages + extra.get(role, []):
            r = c.get(url)
            if r.status_code != 200:
                print("STATUS", role, url, r.status_code); continue
            words = sorted(set(x.strip() for x in visible_words(r.content.decode())))
            print(role, url, words)
