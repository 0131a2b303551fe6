from django.urls import path

from inventory import views

app_name = "inventory"

# shortages/run/ and shortages/release/ are production's (production/inventory_urls.py).
urlpatterns = [
    path("", views.stock, name="stock"),
    path("materials/<int:pk>/", views.material_detail, name="material"),
    path("lots/<int:pk>/", views.lot_detail, name="lot"),
    path("lots/<int:pk>/label.pdf", views.lot_label, name="lot-label"),
    path("bins/<int:pk>/label.pdf", views.bin_label, name="bin-label"),
    path("bins/labels.pdf", views.bin_labels, name="bin-labels"),
    path("value/", views.stock_value, name="value"),
    path("export/stock.xlsx", views.export_stock, name="export-stock"),
    path("export/moves.xlsx", views.export_moves, name="export-moves"),
    path("purchase-orders/", views.purchase_orders, name="purchase-orders"),
    path(
        "purchase-orders/overdue/",
        views.purchase_orders_overdue,
        name="purchase-orders-overdue",
    ),
    path("purchase-orders/<int:pk>/", views.purchase_order_detail, name="purchase-order"),
    path("materials/", views.materials, name="materials"),
    path("materials/new/", views.material_new, name="material-new"),
    path("materials/export.xlsx", views.materials_export, name="materials-export"),
    path("materials/template.xlsx", views.materials_template, name="materials-template"),
    path("materials/import/", views.materials_import, name="materials-import"),
    path("materials/<int:pk>/edit/", views.material_edit, name="material-edit"),
    path("suppliers/", views.suppliers, name="suppliers"),
    path("suppliers/add/", views.supplier_add, name="supplier-add"),
    path("suppliers/export.xlsx", views.suppliers_export, name="suppliers-export"),
    path("suppliers/template.xlsx", views.suppliers_template, name="suppliers-template"),
    path("suppliers/import/", views.suppliers_import, name="suppliers-import"),
    path("offers/export.xlsx", views.offers_export, name="offers-export"),
    path("offers/template.xlsx", views.offers_template, name="offers-template"),
    path("offers/import/", views.offers_import, name="offers-import"),
    path("suppliers/<int:pk>/", views.supplier_detail, name="supplier"),
    path("offers/<int:pk>/", views.offer_edit, name="offer"),
    path("shortages/", views.shortages, name="shortages"),
    path("shortages/order/", views.suggestions_order, name="suggestions-order"),
    path("counts/", views.counts, name="counts"),
    path("counts/<int:pk>/", views.count_detail, name="count"),
]
