"""The error pages are the site's own, in Chinese: a page outside one's organizations (404), a refusal
with its reason (403), and a server error (500)."""

from django.test import RequestFactory
from django.views import defaults


def test_a_page_that_does_not_exist_or_is_out_of_reach_is_the_sites_own_404(client, world):
    client.force_login(world.admin_a)
    response = client.get("/orgs/999999999/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "页面不存在" in page and 'lang="zh-hans"' in page and "返回首页" in page


def test_a_server_error_is_a_page_in_chinese():
    response = defaults.server_error(RequestFactory().get("/"))
    assert response.status_code == 500 and "出错" in response.content.decode()
