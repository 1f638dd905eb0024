from boveileder import saved_views
from boveileder.extensions import body_data, menu_for


def navigation(request):
    """The menu for the signed-in user's roles: each app registers its entries
    (`boveileder.extensions.menu_entry`, from its `AppConfig.ready`); managers' administration is grouped
    under one menu so the bar stays short on a phone."""
    user = getattr(request, "user", None)
    data = body_data(request)
    if not user or not user.is_authenticated or user.municipality_id is None:
        return {"nav_items": [], "nav_admin": [], "nav_footer": [], "nav_saved": [], "body_data": data}
    menu = menu_for(user)
    return {
        "nav_items": menu["main"],
        "nav_admin": menu["admin"],
        "nav_footer": menu["footer"],
        "nav_saved": saved_views.menu(request),
        "body_data": data,
    }
