"""Which bundles a carton holds, written when it is packed (production/services/packing.py).

Pieces are packed from a size × colour's bundles in bundle number order (the same order in
which packing moves whole bundles to packed), so each carton records the bundles its pieces
came from and how many from each: the key of `carton_trace` and `lot_trace`.
"""

from django.db.models import Sum

from production.models import Bundle, Carton, CartonBundle


def carton_bundles_allocate(*, carton: Carton, contents: dict[tuple[str, str], int]) -> None:
    """Record, for a carton just packed with `contents` ((colour, size) → pieces), the bundles
    whose pieces it holds: the lowest-numbered bundles with pieces not yet in a carton."""
    links = []
    for (colour, size), pieces in sorted(contents.items()):
        bundles = Bundle.objects.filter(
            factory_id=carton.factory_id,
            work_order_id=carton.work_order_id,
            colour=colour,
            size=size,
        ).order_by("number")
        packed = dict(
            CartonBundle.objects.filter(bundle__in=bundles)
            .values_list("bundle_id")
            .annotate(n=Sum("quantity"))
        )
        for bundle in bundles:
            if pieces <= 0:
                break
            take = min(pieces, bundle.quantity - packed.get(bundle.pk, 0))
            if take > 0:
                links.append(
                    CartonBundle(
                        factory_id=carton.factory_id, carton=carton, bundle=bundle, quantity=take
                    )
                )
                pieces -= take
    CartonBundle.objects.bulk_create(links)
