"""coordination bodies in full: names per language, group link, membership asks, mutes,
announcements; users remember a 403

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 16:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unreachable_since', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('coordination_bodies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('names', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('region', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('description', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('group_chat_id', sa.BigInteger(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_coordination_bodies_group_chat_id'),
                                          ['group_chat_id'])
    with op.batch_alter_table('coordination_bodies', schema=None) as batch_op:
        batch_op.alter_column('names', server_default=None)
    op.create_table('body_asks',
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('asked_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['body_id'], ['coordination_bodies.id'], name=op.f('fk_body_asks_body_id_coordination_bodies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_body_asks_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('body_id', 'organisation_id', name=op.f('pk_body_asks'))
    )
    with op.batch_alter_table('body_asks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_body_asks_organisation_id'), ['organisation_id'], unique=False)
    op.create_table('body_mutes',
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['body_id'], ['coordination_bodies.id'], name=op.f('fk_body_mutes_body_id_coordination_bodies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_body_mutes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('body_id', 'user_id', name=op.f('pk_body_mutes'))
    )
    with op.batch_alter_table('body_mutes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_body_mutes_user_id'), ['user_id'], unique=False)
    op.create_table('announcements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('sender_user_id', sa.Integer(), nullable=True),
    sa.Column('versions', sa.JSON(), nullable=False),
    sa.Column('document', sa.JSON(), nullable=True),
    sa.Column('audience', sa.JSON(), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('muted', sa.Integer(), nullable=False),
    sa.Column('unreachable', sa.Integer(), nullable=False),
    sa.Column('report_chat_id', sa.BigInteger(), nullable=True),
    sa.Column('report_message_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['body_id'], ['coordination_bodies.id'], name=op.f('fk_announcements_body_id_coordination_bodies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sender_user_id'], ['users.id'], name=op.f('fk_announcements_sender_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_announcements'))
    )
    with op.batch_alter_table('announcements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_announcements_body_id'), ['body_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_announcements_finished_at'), ['finished_at'], unique=False)


def downgrade() -> None:
    op.drop_table('announcements')
    op.drop_table('body_mutes')
    op.drop_table('body_asks')
    with op.batch_alter_table('coordination_bodies', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_coordination_bodies_group_chat_id'), type_='unique')
        batch_op.drop_column('group_chat_id')
        batch_op.drop_column('description')
        batch_op.drop_column('region')
        batch_op.drop_column('names')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('unreachable_since')
