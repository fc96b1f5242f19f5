"""Files browsers ask for at the site's root are served, so no page logs a 404 for its icon."""

from io import BytesIO

from PIL import Image


def test_the_site_has_an_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    icon = Image.open(BytesIO(b"".join(response.streaming_content)))
    assert icon.format == "ICO" and icon.size[0] >= 16
